/** `--audio wav:` naming a named pipe that nothing writes into: the program says so and exits, it does not hang. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-wav-pipe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('a named pipe nothing writes into: one sentence and exit 2, not a process that never ends', async () => {
  const fifo = join(dir, 'live.wav');
  execFileSync('mkfifo', [fifo]);
  // Before: nothing printed, --duration ignored, and even after giving up Node could not exit while its thread
  // waited in open() (runCli kills it after 20 s: code null).
  const result = await runCli(['connect', '127.0.0.1:1', '--headless', '--video', 'none', '--audio', `wav:${fifo}`, '--duration', '1'], {}, 20_000);
  expect(result.stderr).toBe(`livecomm-tui: --audio wav:${fifo}: cannot read WAV file ${fifo}: it did not open within 5 s (a named pipe with nothing writing into it?)\n`);
  expect(result.code).toBe(2);
}, 30_000);

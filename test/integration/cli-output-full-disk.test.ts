// The commands that print and end, with stdout on a full disk (`devices --json > devices.json`; /dev/full is one on
// every Linux): one sentence and exit 2, not Node's stack trace (exit 1) or an empty file and exit 0.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli-process.js';

async function runIntoFullDisk(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const full = openSync('/dev/full', 'w');
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', full, 'pipe'] });
  closeSync(full);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

/** `args` run with stderr (not stdout) on the full disk: what stdout got, and the exit code. */
async function runWithStderrFull(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const full = openSync('/dev/full', 'w');
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', full] });
  closeSync(full);
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout };
}

describe('output to a full disk', () => {
  it.each([
    [['devices', '--json']],
    [['preview', '--video', 'pattern', '--once', '--size', '20x6', '--color', 'mono']],
    [['--help']],
    [['connect', '--help']],
    [['--version']],
  ])('%j says so in one sentence and exits 2', async (args) => {
    const { code, stderr } = await runIntoFullDisk(args);
    expect(stderr).toBe('livecomm-tui: cannot write to stdout (the disk is full)\n');
    expect(code).toBe(2);
  });

  it('stderr on a full disk: a notice that cannot be said does not lose the picture, a bad flag is still exit 2', async () => {
    // Where no camera is found (as on CI), the notice saying so goes to stderr before the picture goes to stdout.
    const still = await runWithStderrFull(['preview', '--video', 'auto', '--once', '--size', '20x6', '--color', 'mono']);
    expect(still.code).toBe(0);
    expect(still.stdout.split('\n').length).toBeGreaterThanOrEqual(6);
    expect((await runWithStderrFull(['--bogus'])).code).toBe(2);
  });
});

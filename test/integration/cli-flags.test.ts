import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrameType } from '../../src/protocol/index.js';
import { BIN, CliProcess, runCli, useCliWorkspace } from '../helpers/cli-process.js';
import { shellQuote } from '../helpers/tmux.js';
import type { RawClient } from '../helpers/raw-client.js';
import { rawFrom } from '../helpers/raw-from.js';
import { until } from '../helpers/wait.js';

/** Flags checked through the real CLI process: that each reaches what it configures, not only that it parses. */
const workspace = useCliWorkspace('lc-cli-flags-');

/** Connects to the server on `port`, says HELLO as `name`, and resolves with "welcome" or the refusal's code and message. */
async function tryToJoin(port: number, name: string, opened: RawClient[]): Promise<string> {
  const client = await rawFrom(port, '127.0.0.1');
  opened.push(client);
  client.hello(name);
  const frame = await client.waitFor((f) => f.type === FrameType.WELCOME || f.type === FrameType.REFUSE);
  if (frame.type === FrameType.WELCOME) return 'welcome';
  const { code, message } = client.json(frame);
  return `${String(code)}: ${String(message)}`;
}

describe('--debug', () => {
  // An internal error (a bug) cannot be provoked from outside honestly; a failure with a cause takes the same flag.
  it('adds the stack of the cause under the one sentence, and only with --debug', async () => {
    const args = ['preview', '--once', '--video', `file:${workspace.dir}`, '--size', '20x5'];
    const env = { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') };
    const plain = await runCli(args, env);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe(`livecomm-tui: --video file:${workspace.dir}: a folder, not an image or video file\n`);
    const debug = await runCli([...args, '--debug'], env);
    expect(debug.code).toBe(2);
    const [sentence, ...stack] = debug.stderr.trimEnd().split('\n');
    expect(`${sentence}\n`).toBe(plain.stderr);
    expect(stack[0]).toMatch(/Error: --video file:/);
    expect(stack.slice(1).every((line) => /^ {4}at /.test(line))).toBe(true);
    expect(stack.length).toBeGreaterThan(2);
  });
});

describe('serve flags', () => {
  it('--log-format json writes every log line as one JSON object', async () => {
    const { proc: server, port } = await workspace.serve(['--log-format', 'json']);
    await workspace.joinHeadless(port, 'alice');
    await until(() => server.stderr.includes('"event":"joined"'), "alice's join in the log");
    const lines = server.stderr.trimEnd().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of entries) {
      expect(entry).toMatchObject({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: expect.stringMatching(/^(info|warn|error)$/) });
    }
    expect(entries).toContainEqual(expect.objectContaining({ level: 'info', event: 'joined', name: 'alice', room: 'main' }));
  });

  it('--log-format json: a server that cannot start says why in a JSON line too, then in its one sentence', async () => {
    // A log collector reading JSON saw only the plain sentence of a port in use: no event, no level, nothing to alert on.
    const { port } = await workspace.serve();
    const failed = await runCli(['serve', '--bind', '127.0.0.1', '--port', String(port), '--log-format', 'json'], { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') });
    expect(failed.code).toBe(2);
    const [first, sentence, ...rest] = failed.stderr.trimEnd().split('\n');
    expect(JSON.parse(first!)).toMatchObject({ level: 'error', event: 'start-failed', detail: `port ${port} is already in use (another server?); pick another with --port` });
    expect(sentence).toBe(`livecomm-tui: port ${port} is already in use (another server?); pick another with --port`);
    expect(rest).toEqual([]);
    const text = await runCli(['serve', '--bind', '127.0.0.1', '--port', String(port)], { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') });
    expect(text.stderr).toBe(`${sentence}\n`);
  });

  it('--max-connections-per-address sets how many connections one address may hold open', async () => {
    const { port } = await workspace.serve(['--max-connections-per-address', '2']);
    const opened: RawClient[] = [];
    try {
      expect(await tryToJoin(port, 'one', opened)).toBe('welcome');
      expect(await tryToJoin(port, 'two', opened)).toBe('welcome');
      expect(await tryToJoin(port, 'three', opened)).toBe('too-many-connections: too many connections from this address (limit 2)');
    } finally {
      for (const client of opened) client.destroy();
    }
  });

  it('--connection-rate sets how fast one address may open connections (bursts of 4× that)', async () => {
    const { port } = await workspace.serve(['--connection-rate', '1']);
    const opened: RawClient[] = [];
    try {
      const startedAt = Date.now();
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => tryToJoin(port, `quick${i}`, opened)));
      // A burst of 4, and a token more for each second the 8 took (a loaded machine may take one or two).
      const welcomed = outcomes.filter((o) => o === 'welcome').length;
      expect(welcomed).toBeGreaterThanOrEqual(4);
      expect(welcomed).toBeLessThanOrEqual(4 + Math.floor((Date.now() - startedAt) / 1000));
      expect(outcomes.filter((o) => o !== 'welcome')).toEqual(
        Array(8 - welcomed).fill('connecting-too-fast: too many new connections from this address (limit 1 per second); try again in a moment'),
      );
    } finally {
      for (const client of opened) client.destroy();
    }
  });
});

describe('demo', () => {
  it('runs with LIVECOMM_PASSWORD set but empty: that variable is for real calls, the demo has no password', async () => {
    // The call screen needs a terminal: script(1) gives it one (a pty), and exits with the demo's status.
    const command = [process.execPath, BIN, 'demo', '--video', 'none', '--audio', 'none', '--speaker', 'none', '--duration', '1'].map(shellQuote).join(' ');
    const demo = workspace.track(new CliProcess([command, '/dev/null'], { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config'), LIVECOMM_PASSWORD: '' }, ['script', '-qec']));
    expect(await demo.exited).toBe(0);
    expect(demo.stdout).toContain('demo ended');
    expect(demo.stdout).not.toContain('LIVECOMM_PASSWORD');
  });
});

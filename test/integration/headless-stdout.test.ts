// A headless participant whose stdout cannot be written: a reader gone (EPIPE) ends the call, a full disk does not.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, useCliWorkspace } from '../helpers/cli-process.js';
import { until } from '../helpers/wait.js';

const workspace = useCliWorkspace('lc-stdout-');

describe('headless stdout that cannot be written', () => {
  it('on a full disk (`> events.jsonl`) says so once and stays in the call, its recording going on', async () => {
    const { port } = await workspace.serve();
    const alice = await workspace.joinHeadless(port, 'alice');
    const dir = join(workspace.dir, 'rec');
    const full = openSync('/dev/full', 'w');
    const bob = spawn(process.execPath, [BIN, 'connect', `127.0.0.1:${port}`, '--name', 'bob', '--headless', '--video', 'none', '--audio', 'none', '--record', dir], {
      env: { ...process.env, LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') },
      stdio: ['pipe', full, 'pipe'],
    });
    closeSync(full);
    let stderr = '';
    bob.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => bob.once('exit', resolve));
    try {
      await alice.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'bob');
      await until(() => stderr.includes('\n'), 'bob to say it cannot write its events');
      expect(stderr).toBe('livecomm-tui: cannot write events to stdout (the disk is full): they stop, the call goes on\n');
      // Still in the call after its events failed: what alice says now is recorded.
      alice.write('still recording?\n');
      const chatLog = join(dir, 'chat.jsonl');
      await until(() => existsSync(chatLog) && readFileSync(chatLog, 'utf8').includes('still recording?'), 'the line in bob\'s recording');
      expect(alice.events().some((e) => e.type === 'participant-left')).toBe(false);
      bob.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await alice.waitForEvent((e) => e.type === 'participant-left')).toMatchObject({ name: 'bob', reason: 'leave' });
      expect(stderr.split('\n')).toHaveLength(2);
    } finally {
      bob.kill('SIGKILL');
    }
    alice.signal('SIGINT');
    expect(await alice.exited).toBe(0);
  });

  it('with stderr on the full disk too (`> events.jsonl 2>&1`) stays in the call, and leaves on a signal with exit 0', async () => {
    const { port } = await workspace.serve();
    const alice = await workspace.joinHeadless(port, 'alice');
    const full = openSync('/dev/full', 'w');
    const bob = spawn(process.execPath, [BIN, 'connect', `127.0.0.1:${port}`, '--name', 'bob', '--headless', '--video', 'none', '--audio', 'none'], {
      env: { ...process.env, LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') },
      stdio: ['pipe', full, full],
    });
    closeSync(full);
    const exited = new Promise<number | null>((resolve) => bob.once('exit', resolve));
    try {
      await alice.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'bob');
      // A chat line round trip through bob's stdin: by its arrival bob has written (and failed) its `joined` line.
      bob.stdin!.write('still here\n');
      const gone = exited.then((code) => Promise.reject(new Error(`bob exited (${code}) instead of staying in the call`)));
      await Promise.race([alice.waitForEvent((e) => e.type === 'chat' && e.text === 'still here'), gone]);
      expect(alice.events().some((e) => e.type === 'participant-left')).toBe(false);
      bob.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await alice.waitForEvent((e) => e.type === 'participant-left')).toMatchObject({ name: 'bob', reason: 'leave' });
    } finally {
      bob.kill('SIGKILL');
    }
    alice.signal('SIGINT');
    expect(await alice.exited).toBe(0);
  });
});

// A headless participant whose stdout cannot be written: a reader gone (EPIPE) ends the call, a full disk does not, and
// its events go on once the disk has room again.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, useCliWorkspace } from '../helpers/cli-process.js';
import { until } from '../helpers/wait.js';

const workspace = useCliWorkspace('lc-stdout-');

/**
 * bob, headless and recording into `dir`, its events written to `stdout` (a descriptor of the test's, closed here once
 * bob has it); what bob said on stderr so far, and its exit code.
 */
function startBob(port: number, dir: string, stdout: number) {
  const bob = spawn(process.execPath, [BIN, 'connect', `127.0.0.1:${port}`, '--name', 'bob', '--headless', '--video', 'none', '--audio', 'none', '--record', dir], {
    env: { ...process.env, LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') },
    stdio: ['pipe', stdout, 'pipe'],
  });
  closeSync(stdout);
  let said = '';
  bob.stderr!.on('data', (d: Buffer) => (said += d.toString()));
  const exited = new Promise<number | null>((resolve) => bob.once('exit', resolve));
  return { bob, stderr: (): string => said, exited };
}

describe('headless stdout that cannot be written', () => {
  it('on a full disk (`> events.jsonl`) says so, counts what is lost, and goes on writing once there is room', async () => {
    // A real 64 KiB tmpfs, filled before bob starts: its first line fails.
    const small = join(workspace.dir, 'small-disk');
    mkdirSync(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
    try {
      const { port } = await workspace.serve();
      const alice = await workspace.joinHeadless(port, 'alice');
      const filler = join(small, 'filler');
      fillDisk(filler);
      const eventsFile = join(small, 'events.jsonl');
      const events = openSync(eventsFile, 'w');
      const dir = join(workspace.dir, 'rec-full');
      const { bob, stderr, exited } = startBob(port, dir, events);
      try {
        await alice.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'bob');
        await until(() => stderr().includes('\n'), 'bob to say it cannot write its events');
        expect(stderr()).toBe('livecomm-tui: cannot write events to stdout (the disk is full): they are lost, and counted, until it can be written again; the call goes on\n');
        // A line said while the disk is full: in bob's recording (on another disk), so bob has had its event.
        alice.write('said while full\n');
        const chatLog = join(dir, 'chat.jsonl');
        await until(() => existsSync(chatLog) && readFileSync(chatLog, 'utf8').includes('said while full'), 'the line in bob\'s recording');
        rmSync(filler);
        // The next event (stats, every 2 s) goes, after the count of what was lost: `joined` and the chat line at least.
        await until(() => readFileSync(eventsFile, 'utf8').includes('"stats"'), 'bob\'s events to go on');
        const lines = readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(lines[0]).toMatchObject({ type: 'events-lost' });
        expect(lines[0]!.count).toBeGreaterThanOrEqual(2);
        expect(lines[1]).toMatchObject({ type: 'stats' });
        await until(() => stderr().split('\n').length === 3, 'bob to say its events go on');
        expect(stderr().split('\n')[1]).toMatch(/^livecomm-tui: events are written to stdout again; \d+ events were lost while stdout could not be written \(the disk is full\)$/);
        bob.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(readFileSync(eventsFile, 'utf8')).toMatch(/\n{"type":"left","reason":"leave",[^\n]*\n$/);
      } finally {
        bob.kill('SIGKILL');
      }
      alice.signal('SIGINT');
      expect(await alice.exited).toBe(0);
    } finally {
      workspace.killAll();
      await new Promise((r) => setTimeout(r, 300));
      execFileSync('umount', ['--lazy', small]);
    }
  });

  it('on a device that is always full (`>/dev/full`) says so once and stays in the call, its recording going on', async () => {
    const { port } = await workspace.serve();
    const alice = await workspace.joinHeadless(port, 'alice');
    const dir = join(workspace.dir, 'rec');
    const full = openSync('/dev/full', 'w');
    const { bob, stderr, exited } = startBob(port, dir, full);
    try {
      await alice.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'bob');
      await until(() => stderr().includes('\n'), 'bob to say it cannot write its events');
      expect(stderr()).toBe('livecomm-tui: cannot write events to stdout (the disk is full): they are lost, and counted, until it can be written again; the call goes on\n');
      // Still in the call after its events failed: what alice says now is recorded.
      alice.write('still recording?\n');
      const chatLog = join(dir, 'chat.jsonl');
      await until(() => existsSync(chatLog) && readFileSync(chatLog, 'utf8').includes('still recording?'), 'the line in bob\'s recording');
      expect(alice.events().some((e) => e.type === 'participant-left')).toBe(false);
      bob.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await alice.waitForEvent((e) => e.type === 'participant-left')).toMatchObject({ name: 'bob', reason: 'leave' });
      // Said once, then at the end how many were lost: none was written.
      expect(stderr().split('\n')).toHaveLength(3);
      expect(stderr().split('\n')[1]).toMatch(/^livecomm-tui: \d+ events were lost while stdout could not be written \(the disk is full\)$/);
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

/** Fills the disk `path` is on with one file, to the last byte. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 'x');
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

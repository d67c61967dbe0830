import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

export const BIN = fileURLToPath(new URL('../../bin/livecomm-tui.js', import.meta.url));

/** A real `livecomm-tui` process (the compiled CLI, as users run it), with its output collected. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private waiters: Array<() => void> = [];

  /** `command` runs the CLI (default: this node on the compiled bin); a prefix such as `ip netns exec NS` fits in it. */
  constructor(args: string[], env: NodeJS.ProcessEnv = {}, command: string[] = [process.execPath, BIN]) {
    this.child = spawn(command[0]!, [...command.slice(1), ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      this.wake();
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      this.wake();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => {
      this.wake();
      resolve(code);
    }));
  }

  /** JSON lines printed so far (headless mode). */
  events(): Array<Record<string, unknown> & { type: string }> {
    return this.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.stdout);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; stdout: ${this.stdout}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  async waitForEvent(predicate: (e: Record<string, unknown> & { type: string }) => boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events().find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for an event; stdout: ${this.stdout}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  write(text: string): void {
    this.child.stdin!.write(text);
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Runs the CLI to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = new CliProcess(args, env);
  const timer = setTimeout(() => proc.kill(), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

/** Real CLI processes of one test file, sharing a temporary directory (see `useCliWorkspace`). */
export interface CliWorkspace {
  /** The directory (valid inside tests); the config dir of `start`ed processes is `dir/config`. */
  readonly dir: string;
  /** Runs `livecomm-tui ARGS` with LIVECOMM_CONFIG_DIR in the workspace; killed after the file's tests. */
  start(args: string[], env?: NodeJS.ProcessEnv): CliProcess;
  /** Kills `proc` after the file's tests too (a process started some other way). */
  track(proc: CliProcess): CliProcess;
  /** Kills every process started so far (e.g. after each test). */
  killAll(): void;
  /** `serve` on a free loopback port (extra flags after); resolves once it listens. */
  serve(extra?: string[], env?: NodeJS.ProcessEnv): Promise<{ proc: CliProcess; port: number }>;
  /**
   * A headless participant joined to the server on `port` (resolves once it is in the room): `video` and `audio` are
   * its sources (default none, none); `extra` more flags.
   */
  joinHeadless(port: number, name: string, options?: { video?: string; audio?: string; extra?: string[] }): Promise<CliProcess>;
}

/**
 * A temporary directory and process list for a test file: created before its tests, every process killed and the
 * directory removed after them. Call at the top level of the file.
 */
export function useCliWorkspace(prefix: string): CliWorkspace {
  let dir = '';
  const running: CliProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    workspace.killAll();
    await rm(dir, { recursive: true, force: true });
  });
  const workspace: CliWorkspace = {
    get dir() {
      return dir;
    },
    start: (args, env = {}) => workspace.track(new CliProcess(args, { LIVECOMM_CONFIG_DIR: join(dir, 'config'), ...env })),
    track: (proc) => {
      running.push(proc);
      return proc;
    },
    killAll: () => {
      for (const p of running.splice(0)) p.kill();
    },
    serve: async (extra = [], env = {}) => {
      const proc = workspace.start(['serve', '--bind', '127.0.0.1', '--port', '0', ...extra], env);
      const match = await proc.waitForOutput(/listening on 127\.0\.0\.1:(\d+)/);
      return { proc, port: Number(match[1]) };
    },
    joinHeadless: async (port, name, { video = 'none', audio = 'none', extra = [] } = {}) => {
      const proc = workspace.start(['connect', `127.0.0.1:${port}`, '--headless', '--name', name, '--video', video, '--audio', audio, ...extra]);
      await proc.waitForEvent((e) => e.type === 'joined');
      return proc;
    },
  };
  return workspace;
}

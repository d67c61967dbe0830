import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../../src/server/server.js';

const SCRIPT = fileURLToPath(new URL('./server-child.mjs', import.meta.url));

export interface ServerProcessStats {
  rss: number;
  heapUsed: number;
  connections: number;
  joined: string[];
  queuedBytes: number;
  log?: string[];
  /** Log lines counted by `event` or `event:code` (over the bounded tail the child keeps). */
  logEvents?: Record<string, number>;
}

/**
 * The broadcast server in a child process (test/helpers/server-child.mjs running the compiled dist/): its memory
 * can be measured, it can be killed with SIGKILL, and load against it does not share the test's event loop.
 */
export class ServerProcess {
  readonly exited: Promise<number | null>;
  private nextId = 1;
  private readonly pending = new Map<number, (s: ServerProcessStats) => void>();

  private constructor(private readonly child: ChildProcess, readonly port: number) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
    child.on('message', (msg: { type: string; id: number } & ServerProcessStats) => {
      if (msg.type !== 'stats') return;
      this.pending.get(msg.id)?.(msg);
      this.pending.delete(msg.id);
    });
  }

  /** Starts a server child with `options` (JSON-serialisable ones only; logger and clock are the child's own). */
  static start(options: Omit<ServerOptions, 'logger' | 'clock'> = {}, nodeArgs: string[] = []): Promise<ServerProcess> {
    const child = fork(SCRIPT, [JSON.stringify(options)], { execArgv: nodeArgs, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server child did not start within 10 s')), 10_000);
      child.once('exit', (code) => reject(new Error(`server child exited with ${code} before listening`)));
      child.once('message', (msg: { type: string; port: number }) => {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(new ServerProcess(child, msg.port));
      });
    });
  }

  /**
   * Memory and connections of the server process; `gc` runs a full collection first (needs --expose-gc);
   * `forgetLog` drops the log tail the child keeps for `log`, so the heap is the server's alone.
   */
  stats(options: { gc?: boolean; log?: number; logEvents?: boolean; forgetLog?: boolean } = {}): Promise<ServerProcessStats> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server child did not answer within 10 s')), 10_000);
      this.pending.set(id, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
      this.child.send({ type: 'stats', id, ...options });
    });
  }

  /** Sets the child's wall clock by `ms` (started with test/helpers/clock-jump.cjs preloaded); resolves once it is. */
  jumpClock(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server child did not set its clock (clock-jump.cjs preloaded?)')), 10_000);
      const onMessage = (msg: { type: string }): void => {
        if (msg.type !== 'clock-jumped') return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve();
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'clock-jump', ms });
    });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send({ type: 'close' });
    const timer = setTimeout(() => this.kill(), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

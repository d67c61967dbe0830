import { afterEach } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server.js';

export interface ServerPerTest {
  /** Starts this test's server on a free loopback port; it is closed after the test. */
  start(options?: ServerOptions): Promise<RunningServer>;
  /** Run after the test, the latest first, before the server closes (clients, proxies). */
  cleanup(...fns: Array<() => unknown>): void;
}

/** For test files where every test runs its own server: call once at the top of the file. */
export function useServerPerTest(): ServerPerTest {
  let server: RunningServer | undefined;
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await server?.close();
    server = undefined;
  });
  return {
    async start(options = {}) {
      server = await startServer({ host: '127.0.0.1', port: 0, ...options });
      return server;
    },
    cleanup(...fns) {
      cleanups.push(...fns);
    },
  };
}

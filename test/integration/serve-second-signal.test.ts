// `serve` stopped with Ctrl-C pressed twice (an impatient operator): the second one, while the server tells the
// clients it closes, changes nothing. SPEC §1: "SIGINT/SIGTERM: tells every client the server is closing, then exits 0".
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useCliWorkspace } from '../helpers/cli-process.js';
import { until } from '../helpers/wait.js';

const workspace = useCliWorkspace('lc-serve-sig-');

describe('serve on a second signal', () => {
  it('still tells the clients and exits 0', async () => {
    const { proc: server, port } = await workspace.serve();
    const alice = await workspace.joinHeadless(port, 'alice');
    // A connection that never speaks: the shutdown waits for it (up to 2 s) after telling the others, which is when
    // the second Ctrl-C comes.
    const silent = net.connect(port, '127.0.0.1');
    silent.on('error', () => {});
    await new Promise<void>((resolve) => silent.once('connect', () => resolve()));
    try {
      server.signal('SIGINT');
      await until(() => /INFO {2}shutdown clients=1/.test(server.stderr), 'the shutdown to begin');
      server.signal('SIGINT');
      expect(await server.exited).toBe(0);
      const status = await alice.waitForEvent((e) => e.type === 'status');
      expect(String(status.detail)).toMatch(/shutting down/);
    } finally {
      silent.destroy();
    }
    alice.signal('SIGINT');
    expect(await alice.exited).toBe(0);
  });
});

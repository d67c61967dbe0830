import { describe, expect, it } from 'vitest';
import type { ServerOptions } from '../../src/server/server.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { RecordingSession } from '../helpers/session-client.js';

/**
 * Half-open connections (docs/protocol.md §4.3): the path freezes — no FIN, no RST, bytes vanish — and both ends
 * must notice on their own, from silence, within the idle limit.
 */
const scope = useServerPerTest();

async function frozenCall(options: ServerOptions) {
  const closedAt = new Map<string, number>();
  const server = await scope.start({
    ...options,
    logger: { log: (_level, event, fields = {}) => { if (event === 'closed' && fields.code === 'idle-timeout') closedAt.set(String(fields.name), Date.now()); } },
  });
  const proxy = await FaultProxy.start(server.port);
  scope.cleanup(() => proxy.close());
  const client = new RecordingSession({ port: proxy.port, name: 'alice' });
  const welcome = await client.start();
  // Let a ping or two cross first: the connection was demonstrably alive before the fault.
  await client.waitFor('rtt', () => true, 3000);
  proxy.setMode('freeze');
  const frozenAt = Date.now();
  const ended = await client.waitFor('ended', () => true, welcome.idleTimeoutMs + 3000);
  const clientMs = Date.now() - frozenAt;
  const serverMs = await new Promise<number>((resolve, reject) => {
    const deadline = Date.now() + 3000;
    const check = (): void => {
      const at = closedAt.get('alice');
      if (at !== undefined) resolve(at - frozenAt);
      else if (Date.now() > deadline) reject(new Error('the server never dropped the silent peer'));
      else setTimeout(check, 20);
    };
    check();
  });
  return { server, ended, clientMs, serverMs, welcome };
}

describe('liveness both ways through a frozen path', () => {
  it('is noticed by the server and the client within their (shortened) idle limits', async () => {
    const { server, ended, clientMs, serverMs } = await frozenCall({ pingIntervalMs: 500, idleTimeoutMs: 1500 });
    expect(ended.error).toMatchObject({ kind: 'network', code: 'idle-timeout' });
    // Server: 1.5 s after the last frame it heard, which came before the freeze.
    expect(serverMs).toBeLessThanOrEqual(1500 + 250);
    // Client: its limit is max(2 pings, idleTimeoutMs) = 2 s with the 1 s floor on its ping interval.
    expect(clientMs).toBeLessThanOrEqual(2000 + 250);
    expect(server.connectionCount).toBe(0);
  });

  it('is noticed within 15 s by both sides at the real defaults', async () => {
    const { ended, clientMs, serverMs, welcome } = await frozenCall({});
    expect(welcome.idleTimeoutMs).toBe(15_000);
    expect(ended.error.code).toBe('idle-timeout');
    expect(serverMs).toBeLessThanOrEqual(15_000 + 200);
    expect(clientMs).toBeLessThanOrEqual(15_000 + 200);
    // ...and not by accident much earlier: silence is what ended it.
    expect(Math.min(serverMs, clientMs)).toBeGreaterThan(9_000);
  }, 25_000);
});

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
/** Date.now() and the timers' clock step in whole milliseconds, apart: a silence may measure a hair short. */
const CLOCK_SLACK_MS = 5;

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
  const endedAt = Date.now();
  const serverClosedAt = await new Promise<number>((resolve, reject) => {
    const deadline = Date.now() + 3000;
    const check = (): void => {
      const at = closedAt.get('alice');
      if (at !== undefined) resolve(at);
      else if (Date.now() > deadline) reject(new Error('the server never dropped the silent peer'));
      else setTimeout(check, 20);
    };
    check();
  });
  // How long each end had heard nothing when it gave up: from the last bytes the proxy passed it, before the freeze.
  const serverSilentMs = serverClosedAt - proxy.lastForwardedAt.toServer;
  const clientSilentMs = endedAt - proxy.lastForwardedAt.toClient;
  expect(Math.max(proxy.lastForwardedAt.toServer, proxy.lastForwardedAt.toClient)).toBeLessThanOrEqual(frozenAt);
  return { server, ended, clientSilentMs, serverSilentMs, welcome };
}

describe('liveness both ways through a frozen path', () => {
  it('is noticed by the server and the client within their (shortened) idle limits', async () => {
    const { server, ended, clientSilentMs, serverSilentMs } = await frozenCall({ pingIntervalMs: 500, idleTimeoutMs: 1000 });
    expect(ended.error).toMatchObject({ kind: 'network', code: 'idle-timeout' });
    // Timers never fire early, but a loaded machine fires them up to a second late: the two limits are a second
    // apart, so each end is seen to keep its own. Server: its idleTimeoutMs, 1 s, not the client's 2 s.
    expect(serverSilentMs).toBeGreaterThanOrEqual(1000 - CLOCK_SLACK_MS);
    expect(serverSilentMs).toBeLessThan(2000);
    // Client: its limit is max(2 pings, idleTimeoutMs) = 2 s with the 1 s floor on its ping interval, not the server's.
    expect(clientSilentMs).toBeGreaterThanOrEqual(2000 - CLOCK_SLACK_MS);
    expect(clientSilentMs).toBeLessThanOrEqual(2000 + 1000);
    expect(server.connectionCount).toBe(0);
  });

  it('is noticed within 15 s by both sides at the real defaults', async () => {
    const { ended, clientSilentMs, serverSilentMs, welcome } = await frozenCall({});
    expect(welcome.idleTimeoutMs).toBe(15_000);
    expect(ended.error.code).toBe('idle-timeout');
    // Silence is what ended it, at the limit, give or take a loaded machine.
    for (const silentMs of [serverSilentMs, clientSilentMs]) {
      expect(silentMs).toBeGreaterThanOrEqual(15_000 - CLOCK_SLACK_MS);
      expect(silentMs).toBeLessThanOrEqual(15_000 + 1000);
    }
  }, 25_000);
});

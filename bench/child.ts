/**
 * Entry point of the benchmark's child processes: `node dist-bench/bench/child.js ROLE 'JSON args'`, talking to the
 * parent over IPC. Separate processes keep CPU and memory figures honest (each is read from /proc or
 * process.cpuUsage of that process alone) and let the server and the load generator be pinned to different cores.
 *
 * Roles: `server` (startServer on 127.0.0.1:0, optionally TLS), `participant` and `senders` (call-participant.ts),
 * `loadgen` (fanout-load.ts), `floor` (floor-relay.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/server/server.js';
import type { ParticipantArgs, SendersArgs } from './call-participant.js';
import type { LoadArgs } from './fanout-load.js';
import type { FloorArgs } from './floor-relay.js';
import { startAllocationProfile, startDiagnostics } from './diag.js';
import { selfCpuMicros } from './stats.js';

export interface ServerArgs {
  tls?: boolean;
}

async function runServerRole(args: ServerArgs): Promise<void> {
  let tlsDir: string | undefined;
  let tls: { key: string; cert: string } | undefined;
  if (args.tls) {
    tlsDir = mkdtempSync(join(tmpdir(), 'lc-bench-tls-'));
    const { loadOrCreateTlsIdentity } = await import('../src/net/tls-identity.js');
    const identity = await loadOrCreateTlsIdentity(tlsDir);
    tls = { key: identity.key, cert: identity.cert };
  }
  // Every benchmark client comes from 127.0.0.1: lift the per-address admission limits (docs/protocol.md §5.3), which
  // exist against floods from one address, not against a load generator.
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    ...(tls ? { tls } : {}),
    maxParticipants: 64,
    maxConnectionsPerAddress: 100_000,
    connectionRatePerAddress: 100_000,
    connectionBurstPerAddress: 100_000,
  });
  startDiagnostics('server');
  const stopProfile = await startAllocationProfile();
  process.send?.({ type: 'ready', port: server.port });
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'usage') {
      const mem = process.memoryUsage();
      process.send?.({ type: 'usage', cpuMicros: selfCpuMicros(), rss: mem.rss, heapUsed: mem.heapUsed, connections: server.connectionCount });
    } else if (msg.type === 'stop') {
      void stopProfile().then(() => server.close()).finally(() => {
        if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
        process.exit(0);
      });
      setTimeout(() => process.exit(0), 3000).unref();
    }
  });
}

const [role, json] = process.argv.slice(2);
const args: unknown = JSON.parse(json ?? '{}');
// A parent that dies must not leave children streaming on loopback.
process.on('disconnect', () => process.exit(0));
// Each role imports only its own modules, so the server's memory is the server's, not the media stack's.
const roles: Record<string, () => Promise<(a: never) => Promise<void>>> = {
  server: async () => runServerRole,
  participant: async () => (await import('./call-participant.js')).runParticipant as (a: ParticipantArgs) => Promise<void>,
  senders: async () => (await import('./call-participant.js')).runSenders as (a: SendersArgs) => Promise<void>,
  loadgen: async () => (await import('./fanout-load.js')).runLoad as (a: LoadArgs) => Promise<void>,
  floor: async () => (await import('./floor-relay.js')).runFloorRelay as (a: FloorArgs) => Promise<void>,
};
const load = roles[role ?? ''];
if (!load) {
  console.error(`bench child: unknown role ${role}`);
  process.exit(2);
}
// The server starts its own once it listens; a participant's shows what its media work does to its event loop.
if (role === 'participant') startDiagnostics('participant');
load().then((run) => run(args as never)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

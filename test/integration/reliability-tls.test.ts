import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Call } from '../../src/client/call.js';
import type { CallEvent } from '../../src/client/call-types.js';
import { CliProcess, runCli, useCliWorkspace } from '../helpers/cli-process.js';
import { until } from '../helpers/wait.js';
import { freePort } from '../helpers/ports.js';

/** Certificate rotation (docs/protocol.md §7): the server's key is regenerated; a client that knew the old one stops. */
const workspace = useCliWorkspace('lc-rotate-');


async function serveTls(port: number, configDir: string): Promise<{ proc: CliProcess; fingerprint: string }> {
  const proc = new CliProcess(['serve', '--tls', '--bind', '127.0.0.1', '--port', String(port), '--config-dir', configDir]);
  workspace.track(proc);
  const fingerprint = (await proc.waitForOutput(/fingerprint (SHA256:\S+)/))[1]!;
  return { proc, fingerprint };
}

describe('TLS certificate rotation', () => {
  it('refuses a server whose certificate changed, naming both fingerprints, exit 3, without retrying', async () => {
    const port = await freePort();
    const serverDir = join(workspace.dir, 'server');
    const clientDir = join(workspace.dir, 'client');
    const first = await serveTls(port, serverDir);
    const client = ['connect', `127.0.0.1:${port}`, '--tls', '--config-dir', clientDir, '--headless', '--video', 'none', '--audio', 'none'];
    const trusting = await runCli([...client, '--duration', '0.3']);
    expect(trusting.code).toBe(0);
    expect(trusting.stdout).toContain(`"trust":"first-use","fingerprint":"${first.fingerprint}"`);

    // Rotate: stop the server, delete its generated key and certificate, start it again: it makes new ones.
    first.proc.signal('SIGTERM');
    expect(await first.proc.exited).toBe(0);
    for (const f of await readdir(serverDir)) if (f.endsWith('.pem')) await rm(join(serverDir, f));
    const second = await serveTls(port, serverDir);
    expect(second.fingerprint).not.toBe(first.fingerprint);

    const refused = await runCli(client);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('CHANGED');
    expect(refused.stderr).toContain(first.fingerprint);
    expect(refused.stderr).toContain(second.fingerprint);
    expect(refused.stderr).toContain(join(clientDir, 'known_hosts'));
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    const events = refused.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; code?: string });
    expect(events.filter((e) => e.type === 'status')).toEqual([]);
    expect(events.find((e) => e.type === 'error')).toMatchObject({ code: 'tls-trust' });

    // The library says the same, and a Call does not retry either.
    const seen: CallEvent[] = [];
    const call = new Call({
      session: { target: { host: '127.0.0.1', port, tls: { knownHostsPath: join(clientDir, 'known_hosts') } }, name: 'alice', room: 'main' },
      backoff: () => 0,
    });
    call.on((e) => seen.push(e));
    call.start();
    await until(() => seen.some((e) => e.type === 'ended'), 'the call to end');
    const ended = seen.find((e): e is Extract<CallEvent, { type: 'ended' }> => e.type === 'ended')!;
    expect(ended.error).toMatchObject({ kind: 'refused', code: 'tls-trust' });
    expect(seen.some((e) => e.type === 'status' && (e.status === 'reconnecting' || e.attempt !== undefined))).toBe(false);
    second.proc.signal('SIGTERM');
    expect(await second.proc.exited).toBe(0);
  });
});

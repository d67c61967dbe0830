import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateTlsIdentity } from '../../src/net/tls-identity.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { CliProcess } from '../helpers/cli-process.js';
import { RecordingSession } from '../helpers/session-client.js';
import { until } from '../helpers/wait.js';

let dir: string;
let server: RunningServer | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-tls-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function tlsServer(configDir = join(dir, 'server')) {
  const identity = await loadOrCreateTlsIdentity(configDir);
  server = await startServer({ host: '127.0.0.1', port: 0, tls: identity });
  return { identity, port: server.port };
}

describe('TLS', () => {
  it('keeps one identity per config dir, and clients see the fingerprint the server has', async () => {
    const first = await loadOrCreateTlsIdentity(join(dir, 'server'));
    const again = await loadOrCreateTlsIdentity(join(dir, 'server'));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(first.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('trusts on first use, stores the fingerprint, and knows the server next time', async () => {
    const { identity, port } = await tlsServer();
    const knownHostsPath = join(dir, 'client', 'known_hosts');
    const first = new RecordingSession({ port, name: 'alice', target: { host: '127.0.0.1', port, tls: { knownHostsPath } } });
    await first.start();
    expect(first.of('trust')[0]!.trust).toEqual({ type: 'first-use', fingerprint: identity.fingerprint });
    expect(await readFile(knownHostsPath, 'utf8')).toBe(`127.0.0.1:${port} ${identity.fingerprint}\n`);
    await first.session.leave();
    const second = new RecordingSession({ port, name: 'alice', target: { host: '127.0.0.1', port, tls: { knownHostsPath } } });
    await second.start();
    expect(second.of('trust')[0]!.trust.type).toBe('known');
    await second.session.leave();
  });

  it('refuses a changed certificate loudly, showing both fingerprints', async () => {
    const { identity, port } = await tlsServer();
    const knownHostsPath = join(dir, 'known_hosts');
    const stale = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    await writeFile(knownHostsPath, `127.0.0.1:${port} ${stale}\n`);
    const client = new RecordingSession({ port, name: 'alice', target: { host: '127.0.0.1', port, tls: { knownHostsPath } } });
    const err = (await client.start().catch((e: unknown) => e)) as Error & { kind: string; code: string };
    expect(err).toMatchObject({ kind: 'refused', code: 'tls-trust' });
    expect(err.message).toContain(stale);
    expect(err.message).toContain(identity.fingerprint);
    expect(err.message).toContain('CHANGED');
  });

  it('refuses a changed certificate under another spelling of the address too, naming the line as the file has it', async () => {
    const { identity, port } = await tlsServer();
    const knownHostsPath = join(dir, 'known_hosts');
    const stale = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    await writeFile(knownHostsPath, `127.0.0.1:${port} ${stale}\n`);
    // The resolver reads 127.000.000.001 as 127.0.0.1: the same server, not a new one to trust.
    const client = new RecordingSession({ port, name: 'alice', target: { host: '127.000.000.001', port, tls: { knownHostsPath } } });
    const err = (await client.start().catch((e: unknown) => e)) as Error & { kind: string; code: string };
    expect(err).toMatchObject({ kind: 'refused', code: 'tls-trust' });
    expect(err.message).toContain(`the certificate of 127.000.000.001:${port} has CHANGED (stored ${stale}, now ${identity.fingerprint})`);
    expect(err.message).toContain(`remove the line for 127.0.0.1:${port} from ${knownHostsPath}`);
    expect(await readFile(knownHostsPath, 'utf8')).toBe(`127.0.0.1:${port} ${stale}\n`);
  });

  it('checks --fingerprint when given', async () => {
    const { identity, port } = await tlsServer();
    const knownHostsPath = join(dir, 'known_hosts');
    const good = new RecordingSession({ port, name: 'a', target: { host: '127.0.0.1', port, tls: { knownHostsPath, fingerprint: identity.fingerprint } } });
    await expect(good.start()).resolves.toMatchObject({ name: 'a' });
    await good.session.leave();
    const bad = new RecordingSession({ port, name: 'b', target: { host: '127.0.0.1', port, tls: { knownHostsPath, fingerprint: 'SHA256:nope' } } });
    await expect(bad.start()).rejects.toMatchObject({ kind: 'refused', code: 'tls-trust' });
  });

  it('gives a plain client of a TLS server a clear error, not a hang', async () => {
    const { port } = await tlsServer();
    const plain = new RecordingSession({ port, name: 'alice' });
    const err = (await plain.start().catch((e: unknown) => e)) as Error & { kind: string };
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/--tls/);
  });

  it('gives a TLS client of a plain server a clear error, not a hang', async () => {
    server = await startServer({ host: '127.0.0.1', port: 0 });
    const port = server.port;
    const client = new RecordingSession({ port, name: 'alice', target: { host: '127.0.0.1', port, tls: { knownHostsPath: join(dir, 'kh') } } });
    const err = (await client.start().catch((e: unknown) => e)) as Error & { kind: string };
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/without --tls/);
  });

  it("logs a TLS client of a plain server under its address as every other event has it (not ::ffff:127.0.0.1)", async () => {
    const logged: Array<Record<string, unknown>> = [];
    const logger = { log: (_level: string, event: string, fields?: Record<string, unknown>) => void (event === 'tls-on-plain' && logged.push(fields ?? {})) };
    // All interfaces, both families: an IPv4 client's address comes in IPv4-mapped form.
    server = await startServer({ host: '::', port: 0, logger });
    const port = server.port;
    const client = new RecordingSession({ port, name: 'alice', target: { host: '127.0.0.1', port, tls: { knownHostsPath: join(dir, 'kh') } } });
    await client.start().catch(() => {});
    expect(logged).toEqual([expect.objectContaining({ address: '127.0.0.1' })]);
  });

  it('names what is wrong, in one line, with a server of an older TLS or one that answers in plain text', async () => {
    const identity = await loadOrCreateTlsIdentity(join(dir, 'old'));
    const old = tls.createServer({ key: identity.key, cert: identity.cert, maxVersion: 'TLSv1.2' }, (s) => s.destroy());
    const web = net.createServer((s) => {
      s.on('error', () => {});
      s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    });
    old.on('tlsClientError', () => {});
    await Promise.all([old, web].map((srv) => new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))));
    try {
      const failure = async (port: number): Promise<string> => {
        const client = new RecordingSession({ port, name: 'alice', target: { host: '127.0.0.1', port, tls: { knownHostsPath: join(dir, 'kh') } } });
        return ((await client.start().catch((e: unknown) => e)) as Error).message;
      };
      const oldPort = (old.address() as net.AddressInfo).port;
      expect(await failure(oldPort)).toBe(`127.0.0.1:${oldPort} offers only an older TLS version than 1.3, which livecomm-tui requires`);
      const webPort = (web.address() as net.AddressInfo).port;
      expect(await failure(webPort)).toBe(`127.0.0.1:${webPort} does not answer with TLS: the server is probably running without --tls, or is another service`);
    } finally {
      old.close();
      web.close();
    }
  });

  it('refuses TLS 1.2', async () => {
    const { port } = await tlsServer();
    const outcome = await new Promise<string>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port, maxVersion: 'TLSv1.2', rejectUnauthorized: false });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (e) => resolve(e.message));
    });
    expect(outcome).not.toBe('connected');
    expect(outcome).toMatch(/version|alert/i);
  });

  it('closes a connection that never finishes the TLS handshake, so silent sockets cannot hold every slot', async () => {
    const identity = await loadOrCreateTlsIdentity(join(dir, 'server'));
    const logged: Array<Record<string, unknown>> = [];
    const logger = { log: (_level: string, event: string, fields?: Record<string, unknown>) => void (event === 'tls-error' && logged.push(fields ?? {})) };
    server = await startServer({ host: '127.0.0.1', port: 0, tls: identity, handshakeTimeoutMs: 300, logger });
    const port = server.port;
    const closedAfter = (firstBytes: Buffer | undefined): Promise<number> =>
      new Promise((resolve) => {
        const started = Date.now();
        const socket = net.connect(port, '127.0.0.1', () => {
          if (firstBytes) socket.write(firstBytes);
        });
        socket.on('error', () => {});
        socket.once('close', () => resolve(Date.now() - started));
        setTimeout(() => socket.destroy(), 5000).unref();
      });
    // Nothing at all, and the first bytes of a TLS record that never comes whole.
    const [silent, partial] = await Promise.all([closedAfter(undefined), closedAfter(Buffer.from([0x16, 0x03, 0x01]))]);
    expect(silent).toBeLessThan(3000);
    expect(partial).toBeLessThan(3000);
    // And the log says from where (read before the socket is gone).
    expect(logged[0]).toMatchObject({ address: '127.0.0.1' });
  });

  it('logs a client that gave up on the TLS handshake itself under its address, not as "unknown"', async () => {
    const identity = await loadOrCreateTlsIdentity(join(dir, 'server'));
    const logged: Array<Record<string, unknown>> = [];
    const logger = { log: (_level: string, event: string, fields?: Record<string, unknown>) => void (event === 'tls-error' && logged.push(fields ?? {})) };
    server = await startServer({ host: '127.0.0.1', port: 0, tls: identity, logger });
    const port = server.port;
    // A client that does not trust the self-signed certificate hangs up after the server's part of the handshake ...
    await new Promise<void>((resolve) => {
      const client = tls.connect({ socket: net.connect({ host: '127.0.0.1', port, localAddress: '127.0.6.21' }) });
      client.once('error', () => resolve());
    });
    // ... and one that sends the start of a ClientHello and resets.
    await new Promise<void>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.6.22' }, () => {
        socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01]), () => socket.resetAndDestroy());
      });
      socket.on('error', () => {});
      socket.once('close', () => resolve());
    });
    await until(() => logged.length === 2, 'both handshakes to be logged');
    expect(logged.map((f) => f.address).sort()).toEqual(['127.0.6.21', '127.0.6.22']);
    expect(logged[0]!.detail).toBe('the client closed the connection during the TLS handshake');
  });

  it('limits the log of a flood of broken TLS handshakes per address, and names an HTTP request', async () => {
    const identity = await loadOrCreateTlsIdentity(join(dir, 'server'));
    const lines: Array<{ event: string; fields: Record<string, unknown> }> = [];
    const logger = { log: (_level: string, event: string, fields: Record<string, unknown> = {}) => void lines.push({ event, fields }) };
    server = await startServer({ host: '127.0.0.1', port: 0, tls: identity, logger, addressWindowMs: 1000 });
    const port = server.port;
    const request = (): Promise<void> => new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.6.23' }, () => socket.write('GET / HTTP/1.1\r\n\r\n'));
      socket.on('error', () => {});
      socket.once('close', () => resolve());
    });
    await Promise.all(Array.from({ length: 20 }, request));
    const errors = (): Array<Record<string, unknown>> => lines.filter((l) => l.event === 'tls-error').map((l) => l.fields);
    const counted = (): number => lines.filter((l) => l.event === 'unlogged').reduce((n, l) => n + Number(l.fields.connections), 0);
    await until(() => errors().length + counted() === 20, 'every request to be logged or counted');
    expect(errors().length).toBeLessThanOrEqual(9);
    expect(errors()[0]).toEqual({ address: '127.0.6.23', detail: 'not a livecomm-tui client: it sent an HTTP request' });
  });

  it('puts the fingerprint in the "listening" log line of `serve --tls`, in JSON and in text', async () => {
    for (const format of ['json', 'text']) {
      const serve = new CliProcess(['serve', '--tls', '--bind', '127.0.0.1', '--port', '0', '--log-format', format], { LIVECOMM_CONFIG_DIR: join(dir, 'cli') });
      try {
        const printed = (await serve.waitForOutput(/TLS certificate fingerprint (SHA256:\S+)/))[1]!;
        const line = await until(() => serve.stderr.split('\n').find((l) => l.includes('listening')), 'the listening line');
        if (format === 'json') expect(JSON.parse(line)).toMatchObject({ event: 'listening', tls: true, fingerprint: printed });
        else expect(line).toContain(` fingerprint=${printed} `);
      } finally {
        serve.signal('SIGTERM');
        await serve.exited;
      }
    }
  });
});

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { FrameType } from '../../src/protocol/index.js';
import type { LogFields } from '../../src/server/logger.js';
import type { ServerOptions } from '../../src/server/server.js';
import { rawFrom, silentSocket } from '../helpers/raw-from.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { until } from '../helpers/wait.js';

/**
 * What an operator reads in the server log when the internet finds the port (docs/protocol.md §5.3): scanners and
 * broken handshakes are logged as a few lines and a count per address, participants in full.
 */
const servers = useServerPerTest();
type Line = { level: string; event: string; fields: LogFields };

async function start(options: ServerOptions = {}): Promise<{ port: number; lines: Line[] }> {
  const lines: Line[] = [];
  const server = await servers.start({ ...options, logger: { log: (level, event, fields = {}) => void lines.push({ level, event, fields }) } });
  return { port: server.port, lines };
}

/** Connects from `from`, sends `bytes` (if any) and resolves once the server has closed the connection. */
function probe(port: number, from: string, bytes?: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from }, () => {
      if (bytes !== undefined) socket.write(bytes);
    });
    socket.on('error', () => {});
    socket.resume();
    socket.once('close', () => resolve());
  });
}

const from = (lines: Line[], address: string): Line[] => lines.filter((l) => l.fields.address === address);
const unloggedCount = (lines: Line[], address: string): number =>
  from(lines, address).filter((l) => l.event === 'unlogged').reduce((n, l) => n + Number(l.fields.connections), 0);

describe('server log under scanner traffic', () => {
  it('logs the first few connections per address that never join, then one summary line, on a plain server', async () => {
    const { port, lines } = await start({ handshakeTimeoutMs: 300, addressWindowMs: 2000 });
    const scanner = '127.0.6.1';
    // 20 HTTP requests and 10 connections that say nothing, as a scanner sends them.
    await Promise.all([
      ...Array.from({ length: 20 }, () => probe(port, scanner, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')),
      ...Array.from({ length: 10 }, () => probe(port, scanner)),
    ]);
    // Every one of them ends in one line of its own or in a summary's count.
    const endings = (): number => from(lines, scanner).filter((l) => l.event !== 'connection' && l.event !== 'unlogged').length;
    await until(() => endings() + unloggedCount(lines, scanner) === 30, 'all 30 connections to be logged or counted');
    expect(endings()).toBeLessThanOrEqual(9);
    const summary = from(lines, scanner).find((l) => l.event === 'unlogged')!;
    expect(summary.fields.detail).toMatch(/^\d+ more connections from 127\.0\.6\.1 in the last \d+ s ended before joining, their lines not logged$/);
    // Not per connection: the whole flood is a handful of lines.
    expect(from(lines, scanner).length).toBeLessThanOrEqual(3 * 9);
  });

  it('counts the connections that hang up before joining having said too little to log', async () => {
    const lines: Line[] = [];
    const server = await servers.start({ password: 'secret', logger: { log: (level, event, fields = {}) => void lines.push({ level, event, fields }) } });
    const address = '127.0.6.5';
    // One after another, so the first three are the logged ones: scanners that send two bytes and hang up, and
    // clients without the password that hang up at the CHALLENGE.
    for (let i = 0; i < 8; i++) {
      const client = await rawFrom(server.port, address);
      if (i % 2 === 0) {
        client.socket.write(Buffer.from([0, 0]));
      } else {
        client.hello(`guest${i}`);
        await client.waitFor((f) => f.type === FrameType.CHALLENGE);
      }
      const closed = new Promise((resolve) => client.socket.once('close', resolve));
      client.socket.end();
      await closed;
    }
    // Stopping ends the address's window: its count is logged now.
    await server.close();
    expect(from(lines, address).map((l) => [l.event, l.fields.connections])).toEqual([
      ['connection', undefined], ['connection', undefined], ['connection', undefined], ['unlogged', 5],
    ]);
  });

  it('says what a client that plainly speaks another protocol is, not what frame length its bytes make', async () => {
    const { port, lines } = await start();
    await probe(port, '127.0.6.3', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await probe(port, '127.0.6.4', 'SSH-2.0-OpenSSH_9.6\r\n');
    expect(from(lines, '127.0.6.3').map((l) => [l.event, l.fields.detail])).toEqual([['not-livecomm', 'not a livecomm-tui client: it sent an HTTP request']]);
    expect(from(lines, '127.0.6.4').map((l) => [l.event, l.fields.detail])).toEqual([['not-livecomm', 'not a livecomm-tui client: it sent an SSH banner']]);
  });

  it('logs a participant in full, whatever its address did before', async () => {
    const { port, lines } = await start({ handshakeTimeoutMs: 300 });
    const address = '127.0.6.2';
    const silent = await Promise.all(Array.from({ length: 6 }, () => silentSocket(port, address)));
    await Promise.all(silent.map((s) => new Promise((resolve) => s.on('error', () => {}).resume().once('close', resolve))));
    const alice = await rawFrom(port, address);
    servers.cleanup(() => alice.destroy());
    alice.hello('alice');
    const welcome = alice.json(await alice.waitFor((f) => f.type === FrameType.WELCOME)) as { id: number };
    const ofAlice = lines.filter((l) => l.fields.peer === welcome.id).map((l) => l.event);
    expect(ofAlice).toEqual(['connection', 'joined']);
  });
});

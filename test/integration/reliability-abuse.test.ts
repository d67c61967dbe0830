import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Codec, StreamKind } from '../../src/protocol/index.js';
import { FrameFuzzer } from '../helpers/fuzz-frames.js';
import { ServerProcess } from '../helpers/server-process.js';
import { RecordingSession } from '../helpers/session-client.js';
import { pace, until } from '../helpers/wait.js';

/**
 * Abuse against a live server in its own process, at its default limits except a shorter handshake deadline:
 * a fuzz run of 100k+ random and mutated frames, a connection flood, and handshakes that never finish — while two
 * honest participants keep talking. The server must stay up, keep their call whole and its memory bounded.
 */
let server: ServerProcess;

beforeAll(async () => {
  server = await ServerProcess.start({ handshakeTimeoutMs: 2000 }, ['--expose-gc']);
});

afterAll(async () => {
  await server.close();
});

function connectFrom(port: number, localAddress: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    socket.on('error', () => resolve(undefined));
    socket.once('connect', () => resolve(socket));
  });
}

/** One fuzzing worker: connection after connection, each a HELLO and a batch of mostly valid, partly mutated frames. */
async function fuzzWorker(worker: number, until_: number, counter: { frames: number; connections: number; target: number }): Promise<void> {
  const fuzz = new FrameFuzzer(0x5eed + worker);
  let n = 0;
  while (Date.now() < until_ && counter.frames < counter.target) {
    n++;
    // Spread over many source addresses, as a botnet would: per-address limits stay at their defaults.
    const socket = await connectFrom(server.port, `127.1.${worker}.${1 + (n % 250)}`);
    if (!socket) continue;
    counter.connections++;
    socket.resume();
    const room = fuzz.random() < 0.1 ? 'main' : `fuzz${worker % 3}`;
    const chunks = [fuzz.random() < 0.05 ? fuzz.mutated() : fuzz.hello(`f${worker}-${n}`, room)];
    for (let i = 0; i < 250; i++) chunks.push(fuzz.random() < 0.01 ? fuzz.mutated() : fuzz.valid());
    counter.frames += chunks.length;
    socket.write(Buffer.concat(chunks));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 150);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    socket.destroy();
  }
}

describe('abuse against a live server process', () => {
  it('survives a fuzz run, a connection flood and stuck handshakes; the honest call stays whole; memory stays bounded', async () => {
    const alice = new RecordingSession({ port: server.port, name: 'alice' });
    const bob = new RecordingSession({ port: server.port, name: 'bob' });
    await alice.start();
    await bob.start();
    const before = await server.stats({ gc: true });

    const deadline = Date.now() + 15_000;
    const counter = { frames: 0, connections: 0, target: 110_000 };
    // Honest audio (PCM, 50 frames/s) for the whole run.
    const talking = pace(20, 15_000, () => alice.session.sendMedia(StreamKind.AUDIO, Codec.PCM_S16LE, new Uint8Array(1920), Date.now()));

    // Handshakes that never finish: 300 silent sockets from one address (64 are admitted and held until the
    // handshake deadline; the rest are refused at once) ...
    const silent = (await Promise.all(Array.from({ length: 300 }, () => connectFrom(server.port, '127.3.0.1')))).filter((s): s is net.Socket => !!s);
    for (const s of silent) s.resume();
    // ... and a flood: 2,000 connections opened as fast as possible from one address.
    const flood = await Promise.all(Array.from({ length: 2000 }, () => connectFrom(server.port, '127.2.0.1')));
    for (const s of flood) s?.destroy();

    await Promise.all(Array.from({ length: 6 }, (_, w) => fuzzWorker(w, deadline, counter)));
    const sent = await talking;
    alice.session.sendChat('still here');
    await bob.waitFor('chat', (e) => e.entry.text === 'still here', 5000);
    await bob.waitFor('media', (e) => e.frame.kind === StreamKind.AUDIO && e.frame.sender === alice.session.welcome!.id && e.frame.seq === sent, 5000);
    for (const s of silent) s.destroy();

    expect(counter.frames).toBeGreaterThan(100_000);
    // The honest call: alice's audio reached bob in order; anything missing is a counted sequence gap (what the
    // jitter buffer conceals), and there is next to none of it. (This process also runs the fuzzers, so a stall of
    // its own event loop, not the server, is the likely cause of any gap: 2 % here alone, 5 % with three test files
    // at once on two cores. A server the fuzz stalled loses whole seconds.)
    const seqs = bob.of('media').filter((e) => e.frame.kind === StreamKind.AUDIO && e.frame.sender === alice.session.welcome!.id).map((e) => e.frame.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(seqs.at(-1)).toBe(sent);
    expect(seqs.length).toBeGreaterThanOrEqual(sent * 0.95);
    expect(alice.of('ended')).toHaveLength(0);
    expect(bob.of('ended')).toHaveLength(0);

    // The server is up, everyone else is gone, and its memory came back down.
    const after = await until(async () => {
      const s = await server.stats({ gc: true, logEvents: true });
      return s.connections === 2 ? s : undefined;
    }, 'the abusive connections to be gone', 5000, 200);
    expect(after.joined.sort()).toEqual(['alice', 'bob']);
    // RSS stays well inside SPEC §5's budget (64 MiB base + 1 MiB per client) even after the storm (the allocator
    // keeps some pages it used at the peak); the live heap, which would show a leak, is back near where it started.
    expect(after.rss).toBeLessThan(160 * 1024 * 1024);
    expect(after.heapUsed).toBeLessThan(before.heapUsed + 16 * 1024 * 1024);
    // Every violation was logged with its code, and the floods were logged per address, not per connection: the
    // stuck handshakes from one address as a few lines and a count (docs/protocol.md §5.3).
    const count = (prefix: string) => Object.entries(after.logEvents!).filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
    expect(count('protocol-error:LC_ERR_')).toBeGreaterThan(10);
    expect(count('closed:handshake-timeout')).toBeGreaterThan(0);
    expect(count('closed:handshake-timeout')).toBeLessThan(10);
    expect(count('unlogged')).toBeGreaterThan(0);
    expect(count('connection-refused:')).toBeGreaterThan(0);
    expect(count('connection-refused:')).toBeLessThan(10);
    console.log(`fuzz: ${counter.frames} frames over ${counter.connections} connections; server rss ${(before.rss / 2 ** 20).toFixed(0)} → ${(after.rss / 2 ** 20).toFixed(0)} MiB; log ${JSON.stringify(after.logEvents)}`);
    await alice.session.leave();
    await bob.session.leave();
  }, 45_000);
});

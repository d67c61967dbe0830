import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Codec, FrameType, MEDIA_FRAME_LIMIT, PROTOCOL_NAME, PROTOCOL_VERSION, StreamKind, encodeFrame, encodeJson } from '../../src/protocol/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { ServerProcess } from '../helpers/server-process.js';

/**
 * The server's wall clock set during a call (NTP stepping it, a resumed VM, `date -s`): the server child runs with
 * test/helpers/clock-jump.cjs, which moves Date.now and leaves the monotonic clock alone, as a real step does.
 * Timeouts and rate limits must not see it.
 */
const CLOCK_JUMP = fileURLToPath(new URL('../helpers/clock-jump.cjs', import.meta.url));
const HOUR = 3_600_000;

let server: ServerProcess | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = undefined;
});

async function start(options: { pingIntervalMs?: number } = {}): Promise<ServerProcess> {
  server = await ServerProcess.start(options, ['--require', CLOCK_JUMP]);
  return server;
}

async function connect(port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  clients.push(client);
  return client;
}

async function joined(port: number, name: string): Promise<RawClient> {
  const client = await connect(port);
  client.hello(name);
  await client.waitFor((f) => f.type === FrameType.WELCOME);
  return client;
}

async function roundTrip(client: RawClient, seq: number): Promise<void> {
  client.send(FrameType.PING, new Uint8Array(0), { kind: StreamKind.CONTROL, codec: Codec.NONE, seq });
  await client.waitFor((f) => f.type === FrameType.PONG && f.seq === seq);
}

/** Resolves once the server has taken in a whole join from another connection (so it has read what came before). */
async function roundTripOther(port: number): Promise<void> {
  const other = await joined(port, `other-${clients.length}`);
  other.destroy();
}

const byeCode = (client: RawClient): unknown => {
  const bye = client.ofType(FrameType.BYE)[0];
  return bye ? client.json(bye).code : undefined;
};

describe('the server wall clock set during a call', () => {
  it('keeps a sender within its media rate after the clock is set back an hour (was: ended as flooding)', async () => {
    const { port } = await start();
    const alice = await joined(port, 'alice');
    await server!.jumpClock(-HOUR);
    const audio = (seq: number): void => alice.send(FrameType.MEDIA, new Uint8Array(61), { kind: StreamKind.AUDIO, codec: Codec.OPUS, seq });
    // The whole burst, then time for the bucket to refill (150 frames a second), then more than the burst left.
    for (let i = 1; i <= MEDIA_FRAME_LIMIT.burst; i++) audio(i);
    await roundTrip(alice, 1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    for (let i = 1; i <= 100; i++) audio(MEDIA_FRAME_LIMIT.burst + i);
    await roundTrip(alice, 2);
    expect(byeCode(alice)).toBeUndefined();
    expect(alice.closed).toBe(false);
  });

  it('goes on pinging after the clock is set back an hour (was: no PING for the hour)', async () => {
    const { port } = await start({ pingIntervalMs: 1000 });
    const alice = await joined(port, 'alice');
    await alice.waitFor((f) => f.type === FrameType.PING);
    await server!.jumpClock(-HOUR);
    const seen = alice.ofType(FrameType.PING).length;
    await alice.waitFor(() => alice.ofType(FrameType.PING).length >= seen + 2, 5000);
    expect(alice.closed).toBe(false);
  });

  it('lets a connection finish its handshake after the clock is set forward an hour (was: handshake timeout)', async () => {
    const { port } = await start();
    const late = await connect(port);
    const hello = encodeFrame({
      type: FrameType.HELLO, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq: 1, ts: Date.now(),
      payload: encodeJson({ protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, name: 'late', room: 'main', client: 'raw-test', caps: { video: ['jpeg'], audio: ['pcm'] } }),
    });
    // Its first bytes start the handshake (and its deadline); the rest comes a second later, as over a slow link.
    late.socket.write(hello.subarray(0, 4));
    await roundTripOther(port);
    await server!.jumpClock(HOUR);
    // The server's sweep (every 500 ms) looks at the handshake in between.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    late.socket.write(hello.subarray(4));
    await late.waitFor((f) => f.type === FrameType.WELCOME || f.type === FrameType.BYE);
    expect(byeCode(late)).toBeUndefined();
  });
});

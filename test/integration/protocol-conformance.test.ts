import { describe, expect, it } from 'vitest';
import { Codec, FrameType, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, StreamKind } from '../../src/protocol/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { useServerPerTest } from '../helpers/server-per-test.js';

/**
 * docs/protocol.md read as a second implementation would read it, checked against a real server over loopback TCP
 * with raw bytes: what the document promises for inputs an honest client never sends, and that none of them disturbs
 * the other members of the room.
 */
const servers = useServerPerTest();

async function connect(port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  servers.cleanup(() => client.destroy());
  return client;
}

async function joined(port: number, name: string, overrides: Record<string, unknown> = {}): Promise<{ client: RawClient; id: number }> {
  const client = await connect(port);
  client.hello(name, 'main', overrides);
  const welcome = client.json(await client.waitFor((f) => f.type === FrameType.WELCOME));
  return { client, id: welcome.id as number };
}

/** Resolves once the server has read everything `client` sent so far (a PING answered). */
async function roundTrip(client: RawClient): Promise<void> {
  const seq = 1000 + client.frames.length;
  client.send(FrameType.PING, new Uint8Array(0), { seq });
  await client.waitFor((f) => f.type === FrameType.PONG && f.seq === seq);
}

/** The code of the REFUSE or BYE that ended `client`'s connection, once it closed. */
async function endedWith(client: RawClient): Promise<{ type: number; code: unknown }> {
  const frame = await client.waitFor((f) => f.type === FrameType.REFUSE || f.type === FrameType.BYE);
  await client.waitForClose();
  return { type: frame.type, code: client.json(frame).code };
}

/** A header (and payload) with any values at all in it, for what encodeFrame would not write. */
function rawFrame(type: number, kind: number, codec: number, payload: Uint8Array, length = 20 + payload.length): Buffer {
  const out = Buffer.alloc(24 + payload.length);
  out.writeUInt32BE(length, 0);
  out[4] = type;
  out[5] = kind;
  out[6] = codec;
  out.writeDoubleBE(Date.now(), 16);
  out.set(payload, 24);
  return out;
}

describe('the handshake as docs/protocol.md §4.1 states it', () => {
  it('refuses another version by its version alone, whatever the rest of its HELLO looks like', async () => {
    const server = await servers.start();
    // A later version may change every other field of the HELLO: it must still hear version-mismatch, not
    // malformed-frame (a reason its user cannot act on, and one its client retries).
    const future = await connect(server.port);
    future.send(FrameType.HELLO, { protocol: 'livecomm', version: PROTOCOL_VERSION + 1, user: { name: 'alice' }, caps: ['jpeg'] });
    const refused = await endedWith(future);
    expect(refused).toEqual({ type: FrameType.REFUSE, code: 'version-mismatch' });
    expect(String(future.json(future.ofType(FrameType.REFUSE)[0]!).message)).toContain(String(PROTOCOL_VERSION + 1));

    const stranger = await connect(server.port);
    stranger.send(FrameType.HELLO, { protocol: 'mqtt', version: 5 });
    expect(await endedWith(stranger)).toEqual({ type: FrameType.REFUSE, code: 'not-livecomm' });

    // Without a version (or with one that is not a number) it is no HELLO at all.
    const noVersion = await connect(server.port);
    noVersion.send(FrameType.HELLO, { protocol: 'livecomm', version: '1' });
    expect(await endedWith(noVersion)).toEqual({ type: FrameType.BYE, code: 'malformed-frame' });
  });

  it("lists the others in a WELCOME, not the joiner nor the seat it takes back, and tells only the others of the join", async () => {
    const server = await servers.start();
    const alice = await connect(server.port);
    alice.hello('alice', 'main', { state: { muted: true, cameraOff: false } });
    const first = alice.json(await alice.waitFor((f) => f.type === FrameType.WELCOME));
    expect(first.participants).toEqual([]);
    const bob = await joined(server.port, 'bob');
    const back = await connect(server.port);
    back.hello('Alice', 'main', { resumeToken: first.resumeToken });
    const again = back.json(await back.waitFor((f) => f.type === FrameType.WELCOME));
    expect(again.participants).toEqual([{ id: bob.id, name: 'bob', muted: false, cameraOff: false }]);
    expect(again.id).not.toBe(first.id);
    await bob.client.waitFor((f) => f.type === FrameType.PARTICIPANT_JOINED && bob.client.json(f).id === again.id);
    await roundTrip(back);
    expect(back.ofType(FrameType.PARTICIPANT_JOINED)).toEqual([]);
    await alice.waitForClose();
    expect(alice.ofType(FrameType.BYE).map((f) => alice.json(f).code)).toEqual(['replaced']);
  });

  it('takes one HELLO: a second one, before or after the join, is an unexpected frame', async () => {
    const server = await servers.start({ password: 'secret' });
    const challenged = await connect(server.port);
    challenged.hello('alice');
    await challenged.waitFor((f) => f.type === FrameType.CHALLENGE);
    challenged.hello('alice');
    expect(await endedWith(challenged)).toEqual({ type: FrameType.BYE, code: 'unexpected-frame' });

    const open = await servers.start();
    const { client } = await joined(open.port, 'bob');
    client.hello('bob');
    expect(await endedWith(client)).toEqual({ type: FrameType.BYE, code: 'unexpected-frame' });
  });

  it('answers chat, AUTH and server-only frames before the join with unexpected-frame, and a PING with its PONG', async () => {
    const server = await servers.start();
    const pinger = await connect(server.port);
    pinger.send(FrameType.PING, new Uint8Array(0), { seq: 77, ts: 1234.5 });
    const pong = await pinger.waitFor((f) => f.type === FrameType.PONG);
    expect({ seq: pong.seq, ts: pong.ts, sender: pong.sender, length: pong.payload.length }).toEqual({ seq: 77, ts: 1234.5, sender: 0, length: 0 });
    for (const [type, payload] of [[FrameType.CHAT, { text: 'hi' }], [FrameType.AUTH, { proof: 'AAAA' }], [FrameType.WELCOME, {}]] as const) {
      const early = await connect(server.port);
      early.send(type, payload);
      expect(await endedWith(early), `type ${type}`).toEqual({ type: FrameType.BYE, code: 'unexpected-frame' });
    }
  });
});

describe('malformed input (docs/protocol.md §2, §3, §5, §6), and the room carries on', () => {
  it('closes each offender with its reason while the other members keep their call', async () => {
    const server = await servers.start();
    const alice = await joined(server.port, 'alice');
    const bob = await joined(server.port, 'bob');
    const cases: Array<{ name: string; send: (c: RawClient) => void; code: string }> = [
      { name: 'type 0x00', send: (c) => c.socket.write(rawFrame(0x00, StreamKind.CONTROL, Codec.JSON, Buffer.from('{}'))), code: 'malformed-frame' },
      { name: 'type 0x0d', send: (c) => c.socket.write(rawFrame(0x0d, StreamKind.CONTROL, Codec.JSON, Buffer.from('{}'))), code: 'malformed-frame' },
      { name: 'type 0x12', send: (c) => c.socket.write(rawFrame(0x12, StreamKind.CONTROL, Codec.JSON, Buffer.from('{}'))), code: 'malformed-frame' },
      { name: 'codec 5', send: (c) => c.socket.write(rawFrame(FrameType.STATE, StreamKind.CONTROL, 5, Buffer.from('{}'))), code: 'malformed-frame' },
      { name: 'CHAT as control', send: (c) => c.send(FrameType.CHAT, { text: 'x' }, { kind: StreamKind.CONTROL }), code: 'malformed-frame' },
      { name: 'empty CHAT', send: (c) => c.send(FrameType.CHAT, new Uint8Array(0), { codec: Codec.JSON }), code: 'malformed-frame' },
      { name: 'empty STATE', send: (c) => c.send(FrameType.STATE, new Uint8Array(0), { codec: Codec.JSON }), code: 'malformed-frame' },
      { name: 'PING with a byte', send: (c) => c.socket.write(rawFrame(FrameType.PING, StreamKind.CONTROL, Codec.NONE, Buffer.from('x'))), code: 'malformed-frame' },
      { name: 'video as PCM', send: (c) => c.send(FrameType.MEDIA, new Uint8Array(4), { kind: StreamKind.VIDEO, codec: Codec.PCM_S16LE }), code: 'malformed-frame' },
      { name: 'length 19', send: (c) => c.socket.write(Buffer.from([0, 0, 0, 19])), code: 'malformed-frame' },
      {
        name: 'length one above the limit',
        send: (c) => c.socket.write(rawFrame(FrameType.MEDIA, StreamKind.VIDEO, Codec.JPEG, new Uint8Array(0), 20 + MAX_PAYLOAD_BYTES[StreamKind.VIDEO] + 1)),
        code: 'malformed-frame',
      },
      { name: 'WELCOME from a client', send: (c) => c.send(FrameType.WELCOME, {}), code: 'unexpected-frame' },
      { name: 'RECEIVE not agreed', send: (c) => c.send(FrameType.RECEIVE, { video: false }), code: 'unexpected-frame' },
    ];
    for (const [i, { name, send, code }] of cases.entries()) {
      const { client, id } = await joined(server.port, `mallory${i}`);
      send(client);
      expect(await endedWith(client), name).toEqual({ type: FrameType.BYE, code });
      const left = await alice.client.waitFor((f) => f.type === FrameType.PARTICIPANT_LEFT && alice.client.json(f).id === id);
      expect(alice.client.json(left).reason, name).toBe(code);
    }
    alice.client.send(FrameType.CHAT, { text: 'still here' });
    await bob.client.waitFor((f) => f.type === FrameType.CHAT && bob.client.json(f).text === 'still here');
    expect(alice.client.closed || bob.client.closed).toBe(false);
  });

  it('takes a frame whose length field is exactly at the limit', async () => {
    const server = await servers.start();
    const alice = await joined(server.port, 'alice');
    const bob = await joined(server.port, 'bob');
    const biggest = new Uint8Array(MAX_PAYLOAD_BYTES[StreamKind.VIDEO]).fill(7);
    bob.client.send(FrameType.MEDIA, biggest, { kind: StreamKind.VIDEO, codec: Codec.JPEG });
    const got = await alice.client.waitFor((f) => f.type === FrameType.MEDIA);
    expect(got.payload.length).toBe(biggest.length);
    await roundTrip(bob.client);
    expect(bob.client.closed).toBe(false);
  });
});

describe('what the server relays without reading it (docs/protocol.md §2)', () => {
  it("stamps the sender's own id and passes seq, ts, flags and the payload on as they came", async () => {
    const server = await servers.start();
    const alice = await joined(server.port, 'alice');
    const bob = await joined(server.port, 'bob');
    const farFuture = Date.now() + 365 * 86_400_000;
    const sent = [
      { seq: 5, ts: farFuture, flags: 0, payload: new Uint8Array(1920) },
      { seq: 4, ts: Number.NaN, flags: 0xfc, payload: new Uint8Array(7) },
      { seq: 0xffffffff, ts: -1e308, flags: 0, payload: new Uint8Array(0) },
    ];
    for (const frame of sent) {
      bob.client.socket.write(Buffer.concat([
        (() => {
          const raw = rawFrame(FrameType.MEDIA, StreamKind.AUDIO, Codec.PCM_S16LE, frame.payload);
          raw[7] = frame.flags;
          raw.writeUInt32BE(alice.id, 8); // someone else's id: overwritten
          raw.writeUInt32BE(frame.seq, 12);
          raw.writeDoubleBE(frame.ts, 16);
          return raw;
        })(),
      ]));
    }
    await alice.client.waitFor(() => alice.client.ofType(FrameType.MEDIA).length === sent.length);
    const relayed = alice.client.ofType(FrameType.MEDIA).map((f) => ({ sender: f.sender, seq: f.seq, ts: f.ts, flags: f.flags, length: f.payload.length }));
    expect(relayed).toEqual(sent.map((f) => ({ sender: bob.id, seq: f.seq, ts: f.ts, flags: f.flags, length: f.payload.length })));
    await roundTrip(bob.client);
    expect(bob.client.closed).toBe(false);
  });
});

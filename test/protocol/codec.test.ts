import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import {
  Codec,
  FrameType,
  HEADER_BYTES,
  KIND_OF_TYPE,
  MAX_FRAME_LENGTH,
  MAX_PAYLOAD_BYTES,
  StreamKind,
  type FrameTypeValue,
  type StreamKindValue,
} from '../../src/protocol/constants.js';
import { FrameDecoder } from '../../src/protocol/decoder.js';
import { ProtocolError, ProtocolErrorCode, type ProtocolErrorCodeValue } from '../../src/protocol/errors.js';
import { encodeFrame, stampSender, type DecodedFrame, type Frame } from '../../src/protocol/frame.js';
import { FrameFuzzer } from '../helpers/fuzz-frames.js';
import { rng } from '../helpers/rng.js';


function randInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Splits `bytes` into chunks at random points (1..maxChunk bytes each). */
function randomSplit(bytes: Uint8Array, random: () => number, maxChunk = 16): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const n = Math.min(bytes.length - at, randInt(random, 1, maxChunk));
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  return chunks;
}

function feed(decoder: FrameDecoder, chunks: Uint8Array[]): DecodedFrame[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

/** Only the fields of Frame, so a DecodedFrame (with `raw`) compares equal to its fixture. */
function fields(frame: Frame): Frame {
  const { type, kind, codec, flags, sender, seq, ts } = frame;
  return { type, kind, codec, flags, sender, seq, ts, payload: Uint8Array.from(frame.payload) };
}

interface Fixture {
  name: string;
  frame: Frame;
  /** Exact wire bytes, written out by hand from the header layout (docs/protocol.md §2). */
  hex: string;
}

// Header: length(4) type kind codec flags sender(4) seq(4) ts(8, float64 BE) | payload.
// ts values are chosen so their float64 bytes can be written by hand: 2^40 = 0x4270…, 1.5·2^40 = 0x4278…, 1 = 0x3ff0…
const FIXTURES: Fixture[] = [
  {
    name: 'HELLO json control',
    frame: {
      type: FrameType.HELLO,
      kind: StreamKind.CONTROL,
      codec: Codec.JSON,
      flags: 0,
      sender: 0,
      seq: 1,
      ts: 2 ** 40,
      payload: utf8('{"v":1}'),
    },
    hex: '0000001b 01 00 01 00 00000000 00000001 4270000000000000 7b2276223a317d',
  },
  {
    name: 'MEDIA video jpeg',
    frame: {
      type: FrameType.MEDIA,
      kind: StreamKind.VIDEO,
      codec: Codec.JPEG,
      flags: 0,
      sender: 7,
      seq: 42,
      ts: 1.5 * 2 ** 40,
      payload: Uint8Array.of(0xff, 0xd8, 0xff, 0xd9),
    },
    hex: '00000018 10 01 02 00 00000007 0000002a 4278000000000000 ffd8ffd9',
  },
  {
    name: 'MEDIA audio opus, sender and seq using all four bytes',
    frame: {
      type: FrameType.MEDIA,
      kind: StreamKind.AUDIO,
      codec: Codec.OPUS,
      flags: 0,
      sender: 0x01020304,
      seq: 0xffffffff,
      ts: 1,
      payload: Uint8Array.of(0xf8, 0xff, 0xfe),
    },
    hex: '00000017 10 02 04 00 01020304 ffffffff 3ff0000000000000 f8fffe',
  },
  {
    name: 'MEDIA audio pcm',
    frame: {
      type: FrameType.MEDIA,
      kind: StreamKind.AUDIO,
      codec: Codec.PCM_S16LE,
      flags: 0,
      sender: 2,
      seq: 256,
      ts: 2,
      payload: Uint8Array.of(0x00, 0x80, 0xff, 0x7f),
    },
    hex: '00000018 10 02 03 00 00000002 00000100 4000000000000000 0080ff7f',
  },
  {
    name: 'PING with an empty payload',
    frame: {
      type: FrameType.PING,
      kind: StreamKind.CONTROL,
      codec: Codec.NONE,
      flags: 0,
      sender: 0,
      seq: 5,
      ts: 0.5,
      payload: new Uint8Array(0),
    },
    hex: '00000014 0a 00 00 00 00000000 00000005 3fe0000000000000',
  },
  {
    name: 'PONG with every bit of flags, sender and a negative ts',
    frame: {
      type: FrameType.PONG,
      kind: StreamKind.CONTROL,
      codec: Codec.NONE,
      flags: 0xff,
      sender: 0xffffffff,
      seq: 0x80000000,
      ts: -1,
      payload: new Uint8Array(0),
    },
    hex: '00000014 0b 00 00 ff ffffffff 80000000 bff0000000000000',
  },
  {
    name: 'CHAT with multi-byte UTF-8',
    frame: {
      type: FrameType.CHAT,
      kind: StreamKind.CHAT,
      codec: Codec.JSON,
      flags: 0,
      sender: 3,
      seq: 16,
      ts: 0,
      payload: utf8('{"text":"hé"}'),
    },
    hex: '00000022 09 03 01 00 00000003 00000010 0000000000000000 7b2274657874223a2268c3a9227d',
  },
];

const ALL_BYTES = Buffer.concat(FIXTURES.map((f) => fromHex(f.hex)));

describe('codec fixtures', () => {
  it('fixture hex lengths agree with their length fields (guards the table itself)', () => {
    for (const f of FIXTURES) {
      const bytes = fromHex(f.hex);
      expect(bytes.length, f.name).toBe(HEADER_BYTES + f.frame.payload.length);
      expect(bytes.readUInt32BE(0), f.name).toBe(bytes.length - 4);
    }
  });

  describe.each(FIXTURES)('$name', ({ frame, hex: expectedHex }) => {
    const bytes = fromHex(expectedHex);

    it('encodes to the exact bytes', () => {
      expect(hex(encodeFrame(frame))).toBe(hex(bytes));
    });

    it('parses to the same fields, with raw equal to the input', () => {
      const decoder = new FrameDecoder();
      const frames = decoder.push(bytes);
      expect(frames).toHaveLength(1);
      expect(fields(frames[0]!)).toEqual(frame);
      expect(hex(frames[0]!.raw)).toBe(hex(bytes));
      expect(decoder.bufferedBytes).toBe(0);
      expect(decoder.errored).toBeUndefined();
    });

    it('round-trips encode → decode → encode', () => {
      const decoded = new FrameDecoder().push(encodeFrame(frame));
      expect(decoded).toHaveLength(1);
      expect(fields(decoded[0]!)).toEqual(frame);
      expect(hex(encodeFrame(decoded[0]!))).toBe(hex(bytes));
    });

    it('decodes when fed byte by byte, yielding only on the last byte', () => {
      const decoder = new FrameDecoder();
      for (let i = 0; i < bytes.length - 1; i++) {
        expect(decoder.push(bytes.subarray(i, i + 1))).toEqual([]);
        expect(decoder.bufferedBytes).toBe(i + 1);
      }
      const frames = decoder.push(bytes.subarray(bytes.length - 1));
      expect(frames.map(fields)).toEqual([frame]);
      expect(decoder.bufferedBytes).toBe(0);
    });

    it.each([1, 2, 3, 4, 5, 42, 1234])('decodes when split at random points (seed %i)', (seed) => {
      const random = rng(seed);
      const decoder = new FrameDecoder();
      const frames = feed(decoder, randomSplit(bytes, random, 7));
      expect(frames.map(fields)).toEqual([frame]);
      expect(hex(frames[0]!.raw)).toBe(hex(bytes));
      expect(decoder.bufferedBytes).toBe(0);
    });

    it('ignores empty chunks', () => {
      const decoder = new FrameDecoder();
      expect(decoder.push(new Uint8Array(0))).toEqual([]);
      expect(decoder.push(bytes.subarray(0, 10))).toEqual([]);
      expect(decoder.push(new Uint8Array(0))).toEqual([]);
      expect(decoder.push(bytes.subarray(10)).map(fields)).toEqual([frame]);
    });
  });

  it('decodes every fixture concatenated in one chunk, in order', () => {
    const decoder = new FrameDecoder();
    const frames = decoder.push(ALL_BYTES);
    expect(frames.map(fields)).toEqual(FIXTURES.map((f) => f.frame));
    expect(frames.map((f) => hex(f.raw))).toEqual(FIXTURES.map((f) => hex(fromHex(f.hex))));
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('decodes every fixture concatenated, byte by byte', () => {
    const decoder = new FrameDecoder();
    const frames: DecodedFrame[] = [];
    for (let i = 0; i < ALL_BYTES.length; i++) frames.push(...decoder.push(ALL_BYTES.subarray(i, i + 1)));
    expect(frames.map(fields)).toEqual(FIXTURES.map((f) => f.frame));
  });

  it.each([7, 8, 9, 10, 11, 99, 2024])('decodes every fixture concatenated and split at random points (seed %i)', (seed) => {
    const random = rng(seed);
    const decoder = new FrameDecoder();
    // Chunks up to 60 bytes so some hold several frames and some cut a frame in its header or payload.
    const frames = feed(decoder, randomSplit(ALL_BYTES, random, 60));
    expect(frames.map(fields)).toEqual(FIXTURES.map((f) => f.frame));
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('keeps the bytes of a partial frame after complete ones, and completes it on the next push', () => {
    const decoder = new FrameDecoder();
    const first = fromHex(FIXTURES[0]!.hex);
    const second = fromHex(FIXTURES[1]!.hex);
    const frames = decoder.push(Buffer.concat([first, second.subarray(0, 5)]));
    expect(frames.map(fields)).toEqual([FIXTURES[0]!.frame]);
    expect(decoder.bufferedBytes).toBe(5);
    expect(decoder.push(second.subarray(5)).map(fields)).toEqual([FIXTURES[1]!.frame]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('joins a header dribbled in a byte at a time once, not on every byte that follows (no quadratic work)', () => {
    const payload = new Uint8Array(16 * 1024).fill(7);
    const encoded = encodeFrame({ type: FrameType.MEDIA, kind: StreamKind.VIDEO, codec: Codec.JPEG, flags: 0, sender: 1, seq: 1, ts: 0, payload });
    const decoder = new FrameDecoder();
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const frames = feed(decoder, [...encoded].map((byte) => Uint8Array.of(byte)));
      expect(frames).toHaveLength(1);
      expect(Buffer.from(frames[0]!.payload).equals(payload)).toBe(true);
      // At most one join per header byte; joining all that is pending on every push made 16 K of them.
      expect(concat.mock.calls.length).toBeLessThanOrEqual(HEADER_BYTES);
    } finally {
      concat.mockRestore();
    }
  });

  it('keeps a frame dribbled a byte per read in one buffer of its size, not as one object per read', () => {
    // A socket read is its own Buffer (~300 bytes of memory however few bytes it holds): kept until the frame was
    // whole, 25 KB sent a byte at a time cost a server 7.6 MB per connection.
    v8.setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const payload = new Uint8Array(200 * 1024).fill(3);
    const encoded = encodeFrame({ type: FrameType.MEDIA, kind: StreamKind.VIDEO, codec: Codec.JPEG, flags: 0, sender: 1, seq: 1, ts: 0, payload });
    const decoder = new FrameDecoder();
    gc();
    const before = process.memoryUsage();
    for (let i = 0; i < 60_000; i++) expect(decoder.push(Buffer.from([encoded[i]!]))).toEqual([]);
    gc();
    const after = process.memoryUsage();
    const held = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
    expect(decoder.bufferedBytes).toBe(60_000);
    expect(held).toBeLessThan(2 * 1024 * 1024);
    const frames = decoder.push(encoded.subarray(60_000));
    expect(frames).toHaveLength(1);
    expect(Buffer.from(frames[0]!.payload).equals(payload)).toBe(true);
  });

  it('decodes a payload at the exact limit of each kind', () => {
    const cases: Array<[FrameTypeValue, StreamKindValue]> = [
      [FrameType.STATE, StreamKind.CONTROL],
      [FrameType.MEDIA, StreamKind.VIDEO],
      [FrameType.MEDIA, StreamKind.AUDIO],
      [FrameType.CHAT, StreamKind.CHAT],
    ];
    for (const [type, kind] of cases) {
      const payload = new Uint8Array(MAX_PAYLOAD_BYTES[kind]).fill(0x5a);
      const frame: Frame = { type, kind, codec: Codec.NONE, flags: 0, sender: 1, seq: 1, ts: 0, payload };
      const encoded = encodeFrame(frame);
      const decoder = new FrameDecoder();
      const frames = feed(decoder, randomSplit(encoded, rng(kind + 1), 16384));
      expect(frames).toHaveLength(1);
      expect(frames[0]!.payload.length).toBe(MAX_PAYLOAD_BYTES[kind]);
      // Compare the big payload as bytes (a deep equal of 256 K elements is slow) and the rest as fields.
      expect(Buffer.from(frames[0]!.payload).equals(payload)).toBe(true);
      expect({ ...fields(frames[0]!), payload: null }).toEqual({ ...frame, payload: null });
    }
  });
});

describe('encodeFrame', () => {
  const base: Frame = { type: FrameType.MEDIA, kind: StreamKind.AUDIO, codec: Codec.OPUS, flags: 0, sender: 1, seq: 1, ts: 0, payload: new Uint8Array(0) };

  it.each([
    ['control', FrameType.STATE, StreamKind.CONTROL],
    ['video', FrameType.MEDIA, StreamKind.VIDEO],
    ['audio', FrameType.MEDIA, StreamKind.AUDIO],
    ['chat', FrameType.CHAT, StreamKind.CHAT],
  ] as const)('refuses a %s payload one byte over the kind limit with LC_ERR_FRAME_TOO_LARGE', (_n, type, kind) => {
    const payload = new Uint8Array(MAX_PAYLOAD_BYTES[kind] + 1);
    let caught: unknown;
    try {
      encodeFrame({ ...base, type, kind, payload });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).code).toBe(ProtocolErrorCode.FRAME_TOO_LARGE);
    // At the limit it is fine.
    expect(encodeFrame({ ...base, type, kind, payload: payload.subarray(1) }).length).toBe(HEADER_BYTES + MAX_PAYLOAD_BYTES[kind]);
  });

  it('masks flags to one byte and writes negative ids as their u32 value', () => {
    const out = encodeFrame({ ...base, flags: 0x1ff, sender: -1, seq: -2 });
    expect(out[7]).toBe(0xff);
    expect(out.readUInt32BE(8)).toBe(0xffffffff);
    expect(out.readUInt32BE(12)).toBe(0xfffffffe);
  });

  it('copies the payload, so later changes to the source do not alter the encoded frame', () => {
    const payload = Uint8Array.of(1, 2, 3);
    const out = encodeFrame({ ...base, payload });
    payload[0] = 9;
    expect(hex(out.subarray(HEADER_BYTES))).toBe('010203');
  });
});

describe('stampSender', () => {
  it('rewrites only the four sender bytes', () => {
    for (const f of FIXTURES) {
      const original = fromHex(f.hex);
      const stamped = Buffer.from(original);
      stampSender(stamped, 0xdeadbeef);
      expect(hex(stamped.subarray(8, 12)), f.name).toBe('deadbeef');
      expect(hex(stamped.subarray(0, 8)), f.name).toBe(hex(original.subarray(0, 8)));
      expect(hex(stamped.subarray(12)), f.name).toBe(hex(original.subarray(12)));
    }
  });

  it('stamps a frame that is a view into a larger buffer without touching its neighbours', () => {
    const decoder = new FrameDecoder();
    const chunk = Buffer.from(ALL_BYTES);
    const frames = decoder.push(chunk);
    const target = frames[2]!;
    // The decoder hands out views into the chunk; stamping one must only change that frame's sender.
    stampSender(target.raw, 99);
    const again = new FrameDecoder().push(chunk);
    expect(again.map((f) => f.sender)).toEqual(FIXTURES.map((f, i) => (i === 2 ? 99 : f.frame.sender)));
    expect(again.map((f) => hex(f.payload))).toEqual(FIXTURES.map((f) => hex(f.frame.payload)));
  });

  it('writes the id as u32 big-endian, wrapping negatives', () => {
    const raw = encodeFrame(FIXTURES[0]!.frame);
    stampSender(raw, -1);
    expect(hex(raw.subarray(8, 12))).toBe('ffffffff');
    stampSender(raw, 0x0102);
    expect(hex(raw.subarray(8, 12))).toBe('00000102');
  });
});

/** A header with the given fields; only as many bytes as asked for (to prove errors come from the header alone). */
function header(length: number, type = 0x01, kind = 0, codec = 1): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  out.writeUInt32BE(length >>> 0, 0);
  out[4] = type;
  out[5] = kind;
  out[6] = codec;
  return out;
}

interface ErrorCase {
  name: string;
  /** Bytes pushed; never more than the header, so a throw proves the check precedes buffering the payload. */
  bytes: Buffer;
  code: ProtocolErrorCodeValue;
}

const ERRORS: ErrorCase[] = [
  { name: 'length 2 GB, from the length field alone', bytes: header(0x80000000).subarray(0, 4), code: ProtocolErrorCode.FRAME_TOO_LARGE },
  { name: 'length 0xffffffff', bytes: header(0xffffffff).subarray(0, 4), code: ProtocolErrorCode.FRAME_TOO_LARGE },
  { name: 'length one over MAX_FRAME_LENGTH', bytes: header(MAX_FRAME_LENGTH + 1).subarray(0, 4), code: ProtocolErrorCode.FRAME_TOO_LARGE },
  { name: 'length 0', bytes: header(0).subarray(0, 4), code: ProtocolErrorCode.FRAME_TOO_SHORT },
  { name: 'length 19, one short of a header', bytes: header(19).subarray(0, 4), code: ProtocolErrorCode.FRAME_TOO_SHORT },
  { name: 'type 0x00', bytes: header(20, 0x00).subarray(0, 6), code: ProtocolErrorCode.UNKNOWN_FRAME_TYPE },
  { name: 'type 0x0d (gap after BYE)', bytes: header(20, 0x0d).subarray(0, 6), code: ProtocolErrorCode.UNKNOWN_FRAME_TYPE },
  { name: 'type 0x12 (after RECEIVE)', bytes: header(20, 0x12).subarray(0, 6), code: ProtocolErrorCode.UNKNOWN_FRAME_TYPE },
  { name: 'RECEIVE as video', bytes: header(20, FrameType.RECEIVE, StreamKind.VIDEO).subarray(0, 6), code: ProtocolErrorCode.BAD_STREAM_KIND },
  { name: 'type 0xff', bytes: header(20, 0xff).subarray(0, 6), code: ProtocolErrorCode.UNKNOWN_FRAME_TYPE },
  { name: 'HELLO as video', bytes: header(20, FrameType.HELLO, StreamKind.VIDEO).subarray(0, 6), code: ProtocolErrorCode.BAD_STREAM_KIND },
  { name: 'MEDIA as control', bytes: header(20, FrameType.MEDIA, StreamKind.CONTROL).subarray(0, 6), code: ProtocolErrorCode.BAD_STREAM_KIND },
  { name: 'MEDIA as chat', bytes: header(20, FrameType.MEDIA, StreamKind.CHAT).subarray(0, 6), code: ProtocolErrorCode.BAD_STREAM_KIND },
  { name: 'CHAT as control', bytes: header(20, FrameType.CHAT, StreamKind.CONTROL).subarray(0, 6), code: ProtocolErrorCode.BAD_STREAM_KIND },
  { name: 'PING with kind 4 (no such kind)', bytes: header(20, FrameType.PING, 4).subarray(0, 6), code: ProtocolErrorCode.BAD_STREAM_KIND },
  { name: 'MEDIA with kind 0xff', bytes: header(20, FrameType.MEDIA, 0xff).subarray(0, 6), code: ProtocolErrorCode.BAD_STREAM_KIND },
  { name: 'AUDIO frame of 100 KB', bytes: header(20 + 100 * 1024, FrameType.MEDIA, StreamKind.AUDIO, Codec.OPUS), code: ProtocolErrorCode.FRAME_TOO_LARGE },
  { name: 'AUDIO one byte over 8 KB', bytes: header(20 + 8 * 1024 + 1, FrameType.MEDIA, StreamKind.AUDIO, Codec.OPUS), code: ProtocolErrorCode.FRAME_TOO_LARGE },
  { name: 'CONTROL one byte over 64 KB', bytes: header(20 + 64 * 1024 + 1, FrameType.STATE, StreamKind.CONTROL), code: ProtocolErrorCode.FRAME_TOO_LARGE },
  { name: 'CHAT one byte over 8 KB', bytes: header(20 + 8 * 1024 + 1, FrameType.CHAT, StreamKind.CHAT), code: ProtocolErrorCode.FRAME_TOO_LARGE },
  { name: 'ACK with a payload (it carries none)', bytes: header(20 + 100, FrameType.ACK, StreamKind.CONTROL), code: ProtocolErrorCode.FRAME_TOO_LARGE },
  { name: 'PING with a payload (it carries none)', bytes: header(20 + 1, FrameType.PING, StreamKind.CONTROL), code: ProtocolErrorCode.FRAME_TOO_LARGE },
  { name: 'codec 5', bytes: header(20, FrameType.PING, StreamKind.CONTROL, 5).subarray(0, 7), code: ProtocolErrorCode.BAD_CODEC },
  { name: 'codec 0xff on video', bytes: header(24, FrameType.MEDIA, StreamKind.VIDEO, 0xff), code: ProtocolErrorCode.BAD_CODEC },
];

function pushCatching(decoder: FrameDecoder, bytes: Uint8Array): { frames: DecodedFrame[]; error: unknown } {
  try {
    return { frames: decoder.push(bytes), error: undefined };
  } catch (error) {
    return { frames: [], error };
  }
}

describe('decoder errors', () => {
  describe.each(ERRORS)('$name', ({ bytes, code }) => {
    it(`throws ${code} on the header bytes alone`, () => {
      const decoder = new FrameDecoder();
      const { frames, error } = pushCatching(decoder, bytes);
      expect(frames).toEqual([]);
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe(code);
      expect(decoder.errored).toBe(error);
      expect(decoder.bufferedBytes).toBe(0);
    });

    it('throws on the byte that decides it when fed byte by byte', () => {
      const decoder = new FrameDecoder();
      let thrownAt = -1;
      for (let i = 0; i < bytes.length; i++) {
        const { error } = pushCatching(decoder, bytes.subarray(i, i + 1));
        if (error) {
          expect((error as ProtocolError).code).toBe(code);
          thrownAt = i;
          break;
        }
        expect(decoder.bufferedBytes).toBe(i + 1);
      }
      expect(thrownAt).toBeGreaterThanOrEqual(3);
      expect(thrownAt).toBeLessThan(HEADER_BYTES);
    });

    it('is errored afterwards: later pushes throw LC_ERR_DECODER_ERRORED and yield nothing', () => {
      const decoder = new FrameDecoder();
      const first = pushCatching(decoder, bytes).error as ProtocolError;
      expect(first.code).toBe(code);
      for (const later of [fromHex(FIXTURES[0]!.hex), new Uint8Array(0), ALL_BYTES]) {
        const { frames, error } = pushCatching(decoder, later);
        expect(frames).toEqual([]);
        expect(error).toBeInstanceOf(ProtocolError);
        expect((error as ProtocolError).code).toBe(ProtocolErrorCode.DECODER_ERRORED);
        expect((error as ProtocolError).cause).toBe(first);
        // The first error stays the one reported.
        expect(decoder.errored).toBe(first);
      }
    });

    it('refuses it after valid frames that came earlier', () => {
      const decoder = new FrameDecoder();
      expect(decoder.push(ALL_BYTES)).toHaveLength(FIXTURES.length);
      const { error } = pushCatching(decoder, bytes);
      expect((error as ProtocolError).code).toBe(code);
    });
  });

  it('refuses a 2 GB frame without buffering it: only the 4-byte header was held before the throw', () => {
    const decoder = new FrameDecoder();
    const lengthField = Buffer.from('80000000', 'hex');
    expect(decoder.push(lengthField.subarray(0, 3))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(3);
    expect(() => decoder.push(lengthField.subarray(3))).toThrow(expect.objectContaining({ code: ProtocolErrorCode.FRAME_TOO_LARGE }));
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('buffers a legal large video frame up to its full size, never more than MAX_FRAME_LENGTH + 4', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(header(MAX_FRAME_LENGTH, FrameType.MEDIA, StreamKind.VIDEO, Codec.JPEG))).toEqual([]);
    expect(decoder.errored).toBeUndefined();
    expect(decoder.bufferedBytes).toBe(HEADER_BYTES);
    const rest = new Uint8Array(MAX_FRAME_LENGTH + 4 - HEADER_BYTES);
    const frames = decoder.push(rest);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.payload.length).toBe(MAX_PAYLOAD_BYTES[StreamKind.VIDEO]);
  });
});

const KNOWN_TYPES = new Set<number>(Object.values(FrameType));
const KNOWN_CODECS = new Set<number>(Object.values(Codec));
const ERROR_CODES = new Set<string>(Object.values(ProtocolErrorCode));

/** Every decoded frame must hold only values from the valid sets and agree with its own raw bytes. */
function expectValid(frame: DecodedFrame): void {
  expect(KNOWN_TYPES.has(frame.type)).toBe(true);
  expect(KIND_OF_TYPE[frame.type].includes(frame.kind)).toBe(true);
  expect(KNOWN_CODECS.has(frame.codec)).toBe(true);
  expect(frame.flags).toBeGreaterThanOrEqual(0);
  expect(frame.flags).toBeLessThanOrEqual(0xff);
  expect(frame.payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES[frame.kind]);
  expect(frame.raw.length).toBe(HEADER_BYTES + frame.payload.length);
  expect(Buffer.from(frame.raw).readUInt32BE(0)).toBe(frame.raw.length - 4);
  expect(Number.isInteger(frame.sender) && frame.sender >= 0 && frame.sender <= 0xffffffff).toBe(true);
  expect(Number.isInteger(frame.seq) && frame.seq >= 0 && frame.seq <= 0xffffffff).toBe(true);
}

/**
 * Pushes `chunks`, checking each frame; returns how it ended. Any exception other than a ProtocolError fails.
 * After the first error, one more push must throw LC_ERR_DECODER_ERRORED.
 */
function drive(chunks: Uint8Array[]): { frames: number; error?: ProtocolError } {
  const decoder = new FrameDecoder();
  let count = 0;
  for (const chunk of chunks) {
    let frames: DecodedFrame[];
    try {
      frames = decoder.push(chunk);
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      expect(ERROR_CODES.has((err as ProtocolError).code)).toBe(true);
      expect((err as ProtocolError).code).not.toBe(ProtocolErrorCode.DECODER_ERRORED);
      expect(decoder.bufferedBytes).toBe(0);
      expect(() => decoder.push(Uint8Array.of(0))).toThrow(expect.objectContaining({ code: ProtocolErrorCode.DECODER_ERRORED }));
      return { frames: count, error: err as ProtocolError };
    }
    for (const frame of frames) expectValid(frame);
    count += frames.length;
    expect(decoder.bufferedBytes).toBeLessThanOrEqual(MAX_FRAME_LENGTH + 4);
  }
  return { frames: count };
}

describe('fuzz', () => {
  it('2000 random buffers in random chunks: only ProtocolErrors, only valid frames', () => {
    const random = rng(0xc0ffee);
    let errors = 0;
    let frames = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(randInt(random, 0, 200));
      for (let j = 0; j < bytes.length; j++) bytes[j] = randInt(random, 0, 255);
      // Half the inputs start with a plausible length and type, so the fuzz gets past the first check.
      if (i % 2 === 0 && bytes.length >= 8) {
        new DataView(bytes.buffer).setUint32(0, randInt(random, 20, 60));
        bytes[4] = [...KNOWN_TYPES][randInt(random, 0, KNOWN_TYPES.size - 1)]!;
        bytes[5] = randInt(random, 0, 3);
        bytes[6] = randInt(random, 0, 5);
      }
      const result = drive(randomSplit(bytes, random, 32));
      frames += result.frames;
      if (result.error) errors += 1;
    }
    // Sanity: the corpus exercised both outcomes.
    expect(errors).toBeGreaterThan(1000);
    expect(frames).toBeGreaterThan(0);
  });

  it('mutated valid frames: either valid frames or a ProtocolError, never anything else', () => {
    const random = rng(0xbadbeef);
    let intact = 0;
    let errors = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(ALL_BYTES);
      const flips = randInt(random, 1, 4);
      for (let k = 0; k < flips; k++) {
        const at = randInt(random, 0, bytes.length - 1);
        // Half the time flip one bit, otherwise replace the byte.
        bytes[at] = random() < 0.5 ? bytes[at]! ^ (1 << randInt(random, 0, 7)) : randInt(random, 0, 255);
      }
      const result = drive(randomSplit(bytes, random, 48));
      if (result.error) errors += 1;
      else intact += 1;
    }
    expect(errors).toBeGreaterThan(0);
    expect(intact).toBeGreaterThan(0);
  });

  it('a mutation outside the header fields that are checked keeps every frame decodable', () => {
    // sender, seq, ts and payload are not validated by the decoder: changing them must not cause an error.
    const random = rng(17);
    const offsets: number[] = [];
    let at = 0;
    for (const f of FIXTURES) {
      for (let b = 8; b < HEADER_BYTES + f.frame.payload.length; b++) offsets.push(at + b);
      at += fromHex(f.hex).length;
    }
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(ALL_BYTES);
      bytes[offsets[randInt(random, 0, offsets.length - 1)]!] = randInt(random, 0, 255);
      const result = drive(randomSplit(bytes, random, 20));
      expect(result.error).toBeUndefined();
      expect(result.frames).toBe(FIXTURES.length);
    }
  });

  it('the same frames and the same error however the stream is cut: byte by byte in views at odd offsets, or split in two anywhere', () => {
    /** Frames (as hex) and the error code a stream fed as `chunks` gives; a throw other than a ProtocolError fails. */
    const outcome = (chunks: Uint8Array[], cap: number | undefined): { raws: string[]; code?: string } => {
      const decoder = new FrameDecoder();
      decoder.capPayload(cap);
      const raws: string[] = [];
      for (const chunk of chunks) {
        try {
          for (const frame of decoder.push(chunk)) raws.push(hex(frame.raw));
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
          return { raws, code: err.code };
        }
      }
      return { raws };
    };
    const random = rng(0x5117);
    let splits = 0;
    let errors = 0;
    for (let t = 0; t < 60; t++) {
      const fuzzer = new FrameFuzzer(t + 1);
      // Valid frames of every kind; every third stream ends in a broken one, every fourth is read before the join.
      const count = 1 + fuzzer.int(5);
      const parts = Array.from({ length: count }, (_, i) => (t % 3 === 0 && i === count - 1 ? fuzzer.mutated() : fuzzer.valid()));
      const stream = Buffer.concat(parts);
      const cap = t % 4 === 0 ? 1000 : undefined;
      // Byte by byte, each byte a view into a larger buffer: the reference.
      const padded = new Uint8Array(stream.length + 3);
      padded.set(stream, 3);
      const reference = outcome(Array.from({ length: stream.length }, (_, i) => padded.subarray(3 + i, 4 + i)), cap);
      if (reference.code) errors += 1;
      const cuts = [0, stream.length, ...Array.from({ length: 150 }, () => randInt(random, 0, stream.length))];
      for (const cut of cuts) {
        const split = outcome([stream.subarray(0, cut), stream.subarray(cut)], cap);
        splits += 1;
        expect(split.code).toBe(reference.code);
        // Frames completed in the push that then hit the error are not returned; all others are, in order.
        if (reference.code) expect(reference.raws.slice(0, split.raws.length)).toEqual(split.raws);
        else expect(split.raws).toEqual(reference.raws);
      }
    }
    expect(splits).toBeGreaterThan(9000);
    expect(errors).toBeGreaterThan(5);
  });
});

import {
  Codec, FrameType, PROTOCOL_NAME, PROTOCOL_VERSION, StreamKind, encodeFrame, encodeJson, type Frame,
} from '../../src/protocol/index.js';

/**
 * Random and mutated frames for fuzzing a live server (mqtt-packet's testRandom idea, over a socket). Seeded, so a
 * failure can be replayed: `new FrameFuzzer(seed)`.
 */
export class FrameFuzzer {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** xorshift32 in [0, 1). */
  random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2 ** 32;
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  hello(name: string, room: string): Uint8Array {
    return this.frame(FrameType.HELLO, StreamKind.CONTROL, Codec.JSON, encodeJson({
      protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, name, room, client: 'fuzz',
      caps: { video: ['jpeg'], audio: ['pcm', 'opus'], feedback: this.random() < 0.5 ? ['ack', 'congestion'] : [] },
    }));
  }

  /** A structurally valid frame with random content: the server parses and acts on it (or refuses it by the rules). */
  valid(): Uint8Array {
    const r = this.random();
    if (r < 0.45) return this.frame(FrameType.MEDIA, StreamKind.AUDIO, this.random() < 0.5 ? Codec.OPUS : Codec.PCM_S16LE, this.bytes(this.int(2000)));
    if (r < 0.6) return this.frame(FrameType.MEDIA, StreamKind.VIDEO, Codec.JPEG, this.bytes(this.int(6000)));
    if (r < 0.75) return this.frame([FrameType.PING, FrameType.PONG, FrameType.ACK][this.int(3)]!, StreamKind.CONTROL, Codec.NONE, new Uint8Array(0));
    if (r < 0.87) return this.frame(FrameType.STATE, StreamKind.CONTROL, Codec.JSON, encodeJson({ muted: this.random() < 0.5, cameraOff: this.random() < 0.5, extra: this.int(1e6) }));
    if (r < 0.995) return this.frame(FrameType.CHAT, StreamKind.CHAT, Codec.JSON, encodeJson({ text: String.fromCharCode(...this.bytes(1 + this.int(60)).map((b) => 32 + (b % 90))) }));
    // Valid structure, wrong moment or wrong content: HELLO again, AUTH unasked, JSON of the wrong shape.
    return this.frame([FrameType.HELLO, FrameType.AUTH, FrameType.WELCOME, FrameType.CONGESTION][this.int(4)]!, StreamKind.CONTROL, Codec.JSON, encodeJson({ x: this.int(10) }));
  }

  /** A frame broken in one of many ways: flipped bytes, wild lengths, unknown types and kinds, truncation, noise. */
  mutated(): Uint8Array {
    const base = Buffer.from(this.valid());
    switch (this.int(6)) {
      case 0: { // flip a few bytes anywhere
        for (let i = 1 + this.int(4); i > 0; i--) base[this.int(base.length)] ^= 1 + this.int(255);
        return base;
      }
      case 1: // a wild length field
        base.writeUInt32BE(this.random() < 0.5 ? this.int(2 ** 32) : this.int(64), 0);
        return base;
      case 2: // unknown type or kind or codec
        base[4 + this.int(3)] = this.int(256);
        return base;
      case 3: // JSON that is not JSON
        if (base[6] === Codec.JSON && base.length > 25) base.fill(0x7b, 24, 24 + this.int(base.length - 24));
        return base;
      case 4: // pure noise
        return this.bytes(1 + this.int(200));
      default: // truncated, so the next frame starts mid-header
        return base.subarray(0, this.int(base.length));
    }
  }

  private frame(type: Frame['type'], kind: Frame['kind'], codec: Frame['codec'], payload: Uint8Array): Uint8Array {
    return encodeFrame({ type, kind, codec, flags: this.random() < 0.05 ? this.int(256) : 0, sender: this.int(2 ** 32), seq: this.int(2 ** 32), ts: this.random() * 2e12, payload });
  }
}

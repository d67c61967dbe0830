import net from 'node:net';
import {
  Codec,
  FrameDecoder,
  FrameType,
  PROTOCOL_NAME,
  PROTOCOL_VERSION,
  StreamKind,
  encodeFrame,
  encodeJson,
  type DecodedFrame,
  type FrameTypeValue,
} from '../../src/protocol/index.js';

/**
 * A scripted peer that speaks raw frames, for cases an honest Session cannot produce on cue: garbage, never reading,
 * wrong versions. (The nats.js test-server idea, from the client side.)
 */
export class RawClient {
  readonly frames: DecodedFrame[] = [];
  private readonly decoder = new FrameDecoder();
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      try {
        this.frames.push(...this.decoder.push(chunk));
      } catch {
        // a test that sends garbage may get garbage back; frames so far stay
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(type: FrameTypeValue, payload: Uint8Array | object, options: { kind?: number; codec?: number; seq?: number; ts?: number; sender?: number } = {}): void {
    const bytes = payload instanceof Uint8Array ? payload : encodeJson(payload);
    this.socket.write(
      encodeFrame({
        type,
        kind: (options.kind ?? (type === FrameType.CHAT ? StreamKind.CHAT : StreamKind.CONTROL)) as 0,
        codec: (options.codec ?? (payload instanceof Uint8Array ? Codec.NONE : Codec.JSON)) as 0,
        flags: 0,
        sender: options.sender ?? 0,
        seq: options.seq ?? 1,
        ts: options.ts ?? Date.now(),
        payload: bytes,
      }),
    );
  }

  hello(name: string, room = 'main', overrides: Record<string, unknown> = {}): void {
    this.send(FrameType.HELLO, {
      protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, name, room, client: 'raw-test', caps: { video: ['jpeg'], audio: ['pcm'] },
      ...overrides,
    });
  }

  /** Waits until a frame matching `predicate` has arrived (or the socket closed). */
  async waitFor(predicate: (f: DecodedFrame) => boolean, timeoutMs = 5000): Promise<DecodedFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      if (this.closed) throw new Error('connection closed before the frame arrived');
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  waitForClose(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) return resolve();
      const timer = setTimeout(() => reject(new Error('connection did not close')), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  json(frame: DecodedFrame): Record<string, unknown> {
    return JSON.parse(Buffer.from(frame.payload).toString('utf8')) as Record<string, unknown>;
  }

  ofType(type: FrameTypeValue): DecodedFrame[] {
    return this.frames.filter((f) => f.type === type);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

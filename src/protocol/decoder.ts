import {
  Codec,
  FrameType,
  HEADER_AFTER_LENGTH,
  HEADER_BYTES,
  KIND_OF_TYPE,
  MAX_FRAME_LENGTH,
  MAX_PAYLOAD_BYTES,
  type CodecValue,
  type FrameTypeValue,
  type StreamKindValue,
} from './constants.js';
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { Offset, type DecodedFrame } from './frame.js';

const KNOWN_TYPES = new Set<number>(Object.values(FrameType));
const KNOWN_CODECS = new Set<number>(Object.values(Codec));
/** Frame types whose payload is empty (docs/protocol.md §3): anything in it is malformed, not ignored. */
const EMPTY_TYPES = new Set<number>([FrameType.PING, FrameType.PONG, FrameType.ACK]);

/**
 * Streaming decoder: push chunks of any size, get whole frames back.
 *
 * Limits are checked as soon as the header bytes that decide them arrive, before any payload is buffered
 * (docs/protocol.md §5). After the first error the decoder is errored: `push` throws `LC_ERR_DECODER_ERRORED`
 * and yields nothing more, so a connection reports one reason and closes.
 */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /**
   * A frame whose header has arrived but not all of it: its bytes are copied into one buffer of its size as they
   * come. Held as the socket's chunks instead, a frame dribbled a byte per read cost ~300 bytes of memory per byte
   * (a Buffer object and its own allocation per read): 7.6 MB per connection for 25 KB sent.
   */
  private partial: { raw: Buffer; filled: number } | undefined;
  private error: ProtocolError | undefined;
  /** A payload size no frame may pass for now, below the kinds' own limits (capPayload). */
  private payloadCap: number | undefined;

  /**
   * Holds every frame's payload to `bytes` (undefined: the kinds' own limits again). A server sets it until the join:
   * a connection that has not said HELLO has no business sending a 256 KiB video frame, and would be refused for it
   * only once all of it had been buffered.
   */
  capPayload(bytes: number | undefined): void {
    this.payloadCap = bytes;
  }

  /** The error that stopped this decoder, if any. */
  get errored(): ProtocolError | undefined {
    return this.error;
  }

  /** Bytes held for an incomplete frame. Bounded by MAX_FRAME_LENGTH + 4. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /**
   * Feeds bytes in; returns the frames completed by them (possibly none).
   * Throws a ProtocolError on malformed input; every later call throws `LC_ERR_DECODER_ERRORED`.
   */
  push(chunk: Uint8Array): DecodedFrame[] {
    if (this.error) {
      throw new ProtocolError(ProtocolErrorCode.DECODER_ERRORED, 'decoder stopped after an earlier error', {
        cause: this.error,
      });
    }
    if (chunk.length === 0) return [];
    // Sockets hand us Buffers already; only a plain Uint8Array needs a Buffer view (no copy either way).
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const frames: DecodedFrame[] = [];
    if (this.partial) {
      const { raw } = this.partial;
      const used = Math.min(raw.length - this.partial.filled, bytes.length);
      bytes.copy(raw, this.partial.filled, 0, used);
      this.partial.filled += used;
      this.pendingBytes += used;
      if (this.partial.filled < raw.length) return frames;
      this.partial = undefined;
      this.pendingBytes = 0;
      frames.push(frameOf(raw));
      bytes = bytes.subarray(used);
      if (bytes.length === 0) return frames;
    }
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    try {
      for (;;) {
        const frame = this.next();
        if (!frame) break;
        frames.push(frame);
      }
    } catch (err) {
      this.error = err as ProtocolError;
      this.pending = [];
      this.pendingBytes = 0;
      throw err;
    }
    return frames;
  }

  private next(): DecodedFrame | undefined {
    if (this.pendingBytes < 4) return undefined;
    const head = this.peek(Math.min(this.pendingBytes, HEADER_BYTES));
    const length = head.readUInt32BE(Offset.LENGTH);
    if (length > MAX_FRAME_LENGTH) {
      throw new ProtocolError(
        ProtocolErrorCode.FRAME_TOO_LARGE,
        `frame length ${length} exceeds the ${MAX_FRAME_LENGTH}-byte limit`,
      );
    }
    if (length < HEADER_AFTER_LENGTH) {
      throw new ProtocolError(ProtocolErrorCode.FRAME_TOO_SHORT, `frame length ${length} is shorter than a header`);
    }
    if (head.length >= Offset.KIND + 1) this.checkTypeAndKind(head[Offset.TYPE]!, head[Offset.KIND]!, length);
    if (head.length >= Offset.CODEC + 1 && !KNOWN_CODECS.has(head[Offset.CODEC]!)) {
      throw new ProtocolError(ProtocolErrorCode.BAD_CODEC, `unknown codec ${head[Offset.CODEC]}`);
    }
    const total = 4 + length;
    if (this.pendingBytes >= total) return frameOf(this.take(total));
    if (head.length >= HEADER_BYTES) {
      // The header is checked and the rest is to come: everything pending is this frame's, gathered from here on.
      const raw = Buffer.allocUnsafe(total);
      let filled = 0;
      for (const chunk of this.pending) filled += chunk.copy(raw, filled);
      this.pending = [];
      this.partial = { raw, filled };
    }
    return undefined;
  }

  private checkTypeAndKind(type: number, kind: number, length: number): void {
    if (!KNOWN_TYPES.has(type)) {
      throw new ProtocolError(ProtocolErrorCode.UNKNOWN_FRAME_TYPE, `unknown frame type 0x${type.toString(16)}`);
    }
    const allowed = KIND_OF_TYPE[type as FrameTypeValue];
    if (!allowed.includes(kind as StreamKindValue)) {
      throw new ProtocolError(
        ProtocolErrorCode.BAD_STREAM_KIND,
        `stream kind ${kind} is not valid for frame type 0x${type.toString(16)}`,
      );
    }
    if (EMPTY_TYPES.has(type) && length > HEADER_AFTER_LENGTH) {
      throw new ProtocolError(ProtocolErrorCode.FRAME_TOO_LARGE, `frame type 0x${type.toString(16)} carries no payload, not ${length - HEADER_AFTER_LENGTH} bytes`);
    }
    const limit = MAX_PAYLOAD_BYTES[kind as StreamKindValue];
    if (length - HEADER_AFTER_LENGTH > limit) {
      throw new ProtocolError(
        ProtocolErrorCode.FRAME_TOO_LARGE,
        `payload of ${length - HEADER_AFTER_LENGTH} bytes exceeds the ${limit}-byte limit for stream kind ${kind}`,
      );
    }
    if (this.payloadCap !== undefined && length - HEADER_AFTER_LENGTH > this.payloadCap) {
      throw new ProtocolError(
        ProtocolErrorCode.FRAME_TOO_LARGE,
        `payload of ${length - HEADER_AFTER_LENGTH} bytes exceeds the ${this.payloadCap}-byte limit before the join`,
      );
    }
  }

  /**
   * The first `n` pending bytes (n ≤ HEADER_BYTES). When they straddle chunks, the chunks holding them are joined
   * into one and kept that way: a header dribbled in a byte at a time must not be joined again on every push.
   */
  private peek(n: number): Buffer {
    const first = this.pending[0]!;
    if (first.length >= n) return first;
    let count = 0;
    let bytes = 0;
    while (bytes < n && count < this.pending.length) bytes += this.pending[count++]!.length;
    const joined = Buffer.concat(this.pending.slice(0, count), bytes);
    this.pending.splice(0, count, joined);
    return joined.subarray(0, n);
  }

  /** Removes and returns the first `n` pending bytes as one buffer, copying only when a frame spans chunks. */
  private take(n: number): Buffer {
    this.pendingBytes -= n;
    const first = this.pending[0]!;
    if (first.length === n) {
      this.pending.shift();
      return first;
    }
    if (first.length > n) {
      this.pending[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let used = 0;
    while (filled < n) {
      const chunk = this.pending[used]!;
      const want = n - filled;
      if (chunk.length <= want) {
        chunk.copy(out, filled);
        filled += chunk.length;
        used += 1;
      } else {
        chunk.copy(out, filled, 0, want);
        this.pending[used] = chunk.subarray(want);
        filled += want;
      }
    }
    // One splice, not a shift per chunk: a frame sent a byte at a time spans thousands of them.
    this.pending.splice(0, used);
    return out;
  }
}

function frameOf(raw: Buffer): DecodedFrame {
  return {
    type: raw[Offset.TYPE] as FrameTypeValue,
    kind: raw[Offset.KIND] as StreamKindValue,
    codec: raw[Offset.CODEC] as CodecValue,
    flags: raw[Offset.FLAGS]!,
    sender: raw.readUInt32BE(Offset.SENDER),
    seq: raw.readUInt32BE(Offset.SEQ),
    ts: raw.readDoubleBE(Offset.TS),
    payload: raw.subarray(Offset.PAYLOAD),
    raw,
  };
}

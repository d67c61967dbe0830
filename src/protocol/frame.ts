import {
  HEADER_AFTER_LENGTH,
  HEADER_BYTES,
  MAX_PAYLOAD_BYTES,
  type CodecValue,
  type FrameTypeValue,
  type StreamKindValue,
} from './constants.js';
import { ProtocolError, ProtocolErrorCode } from './errors.js';

/** One decoded frame (docs/protocol.md §2). */
export interface Frame {
  type: FrameTypeValue;
  kind: StreamKindValue;
  codec: CodecValue;
  flags: number;
  /** Participant id of the sender; 0 for the server. */
  sender: number;
  /** Per-sender, per-kind sequence number, wrapping at 2^32. */
  seq: number;
  /** Capture time, milliseconds since the Unix epoch (float64). */
  ts: number;
  payload: Uint8Array;
}

/** A decoded frame together with the exact bytes it arrived as, so a relay can forward without re-encoding. */
export interface DecodedFrame extends Frame {
  raw: Uint8Array;
}

/** Byte offsets inside the header (docs/protocol.md §2). */
export const Offset = {
  LENGTH: 0,
  TYPE: 4,
  KIND: 5,
  CODEC: 6,
  FLAGS: 7,
  SENDER: 8,
  SEQ: 12,
  TS: 16,
  PAYLOAD: HEADER_BYTES,
} as const;

/**
 * Encodes a frame into one buffer: header and payload, ready for a single socket write.
 * Throws `LC_ERR_FRAME_TOO_LARGE` when the payload exceeds its kind's limit, so we never send what a peer must refuse.
 */
export function encodeFrame(frame: Frame): Buffer {
  const limit = MAX_PAYLOAD_BYTES[frame.kind];
  if (frame.payload.length > limit) {
    throw new ProtocolError(
      ProtocolErrorCode.FRAME_TOO_LARGE,
      `payload of ${frame.payload.length} bytes exceeds the ${limit}-byte limit for this stream kind`,
    );
  }
  const out = Buffer.allocUnsafe(HEADER_BYTES + frame.payload.length);
  out.writeUInt32BE(HEADER_AFTER_LENGTH + frame.payload.length, Offset.LENGTH);
  out[Offset.TYPE] = frame.type;
  out[Offset.KIND] = frame.kind;
  out[Offset.CODEC] = frame.codec;
  out[Offset.FLAGS] = frame.flags & 0xff;
  out.writeUInt32BE(frame.sender >>> 0, Offset.SENDER);
  out.writeUInt32BE(frame.seq >>> 0, Offset.SEQ);
  out.writeDoubleBE(frame.ts, Offset.TS);
  out.set(frame.payload, Offset.PAYLOAD);
  return out;
}

/** Rewrites the sender id of an encoded frame in place: the server stamps who really sent it before relaying. */
export function stampSender(raw: Uint8Array, sender: number): void {
  // Byte by byte, big-endian: no DataView to allocate for every relayed frame.
  const id = sender >>> 0;
  raw[Offset.SENDER] = id >>> 24;
  raw[Offset.SENDER + 1] = (id >>> 16) & 0xff;
  raw[Offset.SENDER + 2] = (id >>> 8) & 0xff;
  raw[Offset.SENDER + 3] = id & 0xff;
}

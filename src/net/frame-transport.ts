import type { DecodedFrame, Frame, ProtocolError, ReasonMessage, StreamKindValue } from '../protocol/index.js';
import type { AckWindowOptions } from './ack-window.js';
import type { OutboundQueueOptions, QueueStats } from './outbound-queue.js';
import type { PendingAckOptions } from './pending-ack.js';

/** A connection carrying protocol frames; the narrow interface server and client code use. */
export interface FrameTransport {
  readonly remoteAddress: string;
  /** Bytes waiting in our queue plus the socket's buffer. */
  readonly bufferedAmount: number;
  /**
   * Bytes of whole frames (headers included) the peer has acknowledged receiving, with ACK flow control; without it,
   * those handed to the socket. Not what was queued: frames dropped in the queue never left, and bytes written into
   * a stalled path's kernel buffers have not arrived.
   */
  readonly bytesDelivered: number;
  readonly closed: boolean;
  /** Encodes and queues a frame (flow control by its kind). */
  send(frame: Frame): void;
  /** Queues already-encoded bytes (a relayed frame), keyed by sender for media flow control. */
  sendRaw(kind: StreamKindValue, sender: number, raw: Uint8Array): void;
  /**
   * Sends BYE with `reason` (when given), flushes what is queued (bounded by a short timer), then ends the
   * connection.
   */
  close(reason?: ReasonMessage): void;
  destroy(): void;
  queueStats(): QueueStats;
  /**
   * Starts ACK flow control (docs/protocol.md §5.1): from now on received data is acknowledged, and media is held in
   * our queue while the peer has not acknowledged `window` bytes. Call once both sides agreed to the feature.
   */
  enableAcks(): void;
  /** Holds incoming frames' payloads to `bytes` until called with undefined (FrameDecoder.capPayload). */
  capPayload(bytes: number | undefined): void;
  flowStats(): FlowStats;
  /**
   * How long data has waited without the peer accepting any (no write, no acknowledgement), in ms, measured between
   * calls (call it periodically); 0 while nothing waits. A peer stalled for seconds is frozen or gone rather than slow
   * (docs/protocol.md §5.2).
   */
  stalledMs(): number;
  /**
   * How congested the outbound path is (docs/protocol.md §5.2), from this queue's own drops since the last sample
   * (sampled at most every ~0.5 s) while the peer kept taking data: 2 when audio frames were dropped, 1 when a fifth
   * or more of the video frames were replaced before they could be sent, else 0. Drops of frames pushed out by their
   * sender's own burst do not count. Rises after two samples agree, falls only after three calm samples.
   */
  congestionLevel(): number;
}

/** ACK flow-control figures of one connection (docs/protocol.md §5.1). */
export interface FlowStats {
  /** True once both sides agreed to use ACK frames. */
  acks: boolean;
  /** Bytes written but not yet acknowledged. */
  inFlight: number;
  /** Current window for media bytes in flight. */
  window: number;
  /** Round trip measured from the latest acknowledgement. */
  rttMs: number | undefined;
}

export interface FrameSocketHandlers {
  onFrame(frame: DecodedFrame): void;
  /** Malformed input: the socket is closed with this reason after the call. */
  onProtocolError(err: ProtocolError): void;
  /** Control queue past its cap, or no progress within stallTimeoutMs. The socket is told (BYE) and closed after. */
  onSlowConsumer(detail: string): void;
  onClose(hadError: boolean, err?: Error): void;
}

/** Options of FrameSocket (frame-socket.ts), the FrameTransport over a real socket. */
export interface FrameSocketOptions extends OutboundQueueOptions {
  /** Bytes allowed in the socket's own write buffer before we hold back. Default 64 KiB. */
  highWaterBytes?: number;
  /**
   * A peer with data queued that accepts none of it for this long is "stalled" (SPEC §3: control must get through
   * within bounds). Default 10 s.
   */
  stallTimeoutMs?: number;
  /** ACK flow control tuning (docs/protocol.md §5.1); used once `enableAcks()` is called. */
  ack?: AckWindowOptions;
  /** When we acknowledge what we received (pending-ack.ts). */
  acknowledge?: PendingAckOptions;
}

import type { Duplex } from 'node:stream';
import {
  Codec,
  FrameDecoder,
  FrameType,
  ProtocolError,
  StreamKind,
  encodeFrame,
  encodeJson,
  type DecodedFrame,
  type Frame,
  type ReasonMessage,
  type StreamKindValue,
} from '../protocol/index.js';
import { OutboundQueue, type OutboundQueueOptions, type QueueStats } from './outbound-queue.js';

/**
 * The only place that reads and writes sockets: bytes in → FrameDecoder → frames; frames out → OutboundQueue →
 * batched socket writes. Writes happen once per tick (batched like nats.js' flush on a microtask) and only while
 * the socket's own buffer is under the high-water mark, so media piles up in the queue where the flow-control rules
 * can drop it, never in Node's unbounded socket buffer.
 */
export interface FrameSocketOptions extends OutboundQueueOptions {
  /** Bytes allowed in the socket's own write buffer before we hold back. Default 64 KiB. */
  highWaterBytes?: number;
  /**
   * A peer with data queued that accepts none of it for this long is "stalled" (SPEC §3: control must get through
   * within bounds). Default 10 s.
   */
  stallTimeoutMs?: number;
}

export interface FrameSocketHandlers {
  onFrame(frame: DecodedFrame): void;
  /** Malformed input: the socket is closed with this reason after the call. */
  onProtocolError(err: ProtocolError): void;
  /** Control queue past its cap, or no write progress within stallTimeoutMs. The socket is destroyed after. */
  onSlowConsumer(detail: string): void;
  onClose(hadError: boolean, err?: Error): void;
}

/** A connection carrying protocol frames; the narrow interface server and client code use. */
export interface FrameTransport {
  readonly remoteAddress: string;
  /** Bytes waiting in our queue plus the socket's buffer. */
  readonly bufferedAmount: number;
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
}

const FLUSH_BATCH_BYTES = 256 * 1024;
const CLOSE_FLUSH_TIMEOUT_MS = 1000;

export class FrameSocket implements FrameTransport {
  readonly remoteAddress: string;
  private readonly decoder = new FrameDecoder();
  private readonly queue: OutboundQueue;
  private readonly highWater: number;
  private readonly stallTimeoutMs: number;
  private flushScheduled = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private isClosed = false;

  constructor(
    private readonly socket: Duplex & { writableLength: number; remoteAddress?: string | undefined },
    private readonly handlers: FrameSocketHandlers,
    options: FrameSocketOptions = {},
  ) {
    // Dual-stack listeners report IPv4 peers as ::ffff:a.b.c.d; show and rate-limit them as the IPv4 address.
    this.remoteAddress = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    this.queue = new OutboundQueue(options);
    this.highWater = options.highWaterBytes ?? 64 * 1024;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 10_000;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.flush());
    socket.on('error', () => {
      // 'close' follows with hadError; the error itself is passed there.
    });
    socket.on('close', (hadError: boolean) => {
      this.isClosed = true;
      this.queue.clear();
      if (this.stallTimer) clearTimeout(this.stallTimer);
      this.handlers.onClose(hadError);
    });
  }

  get bufferedAmount(): number {
    return this.queue.queuedBytes + this.socket.writableLength;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  queueStats(): QueueStats {
    return this.queue.stats();
  }

  send(frame: Frame): void {
    this.sendRaw(frame.kind, frame.sender, encodeFrame(frame));
  }

  sendRaw(kind: StreamKindValue, sender: number, raw: Uint8Array): void {
    if (this.isClosed || this.closing) return;
    if (this.queue.enqueue(kind, sender, raw) === 'overflow') {
      this.slow('control queue over its cap');
      return;
    }
    this.scheduleFlush();
  }

  close(reason?: ReasonMessage): void {
    if (this.isClosed || this.closing) return;
    if (reason) {
      this.queue.enqueue(StreamKind.CONTROL, 0, encodeFrame({
        type: FrameType.BYE, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq: 0, ts: Date.now(),
        payload: encodeJson(reason),
      }));
    }
    this.closing = true;
    this.flush();
    // Give the goodbye a moment to leave, but never let a stuck peer hold the connection open.
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_FLUSH_TIMEOUT_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.isClosed) return;
    let frames: DecodedFrame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      if (!this.decoder.errored) throw err;
      this.socket.pause();
      this.handlers.onProtocolError(this.decoder.errored);
      return;
    }
    for (const frame of frames) {
      if (this.isClosed) return;
      this.handlers.onFrame(frame);
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.isClosed) return;
    let wrote = false;
    while (!this.queue.isEmpty && this.socket.writableLength < this.highWater) {
      const batch = this.queue.takeBatch(Math.min(FLUSH_BATCH_BYTES, this.highWater));
      this.socket.cork();
      for (const bytes of batch) this.socket.write(bytes);
      this.socket.uncork();
      wrote = true;
    }
    if (this.closing && this.queue.isEmpty) {
      this.socket.end();
    }
    this.watchStall(wrote);
  }

  /** Arms a timer while data waits; progress (a write, a drain) re-arms it. */
  private watchStall(progressed: boolean): void {
    // Only our queue counts: it holds data only while the socket is over its high-water mark, and then 'drain' is due.
    if (this.queue.isEmpty) {
      if (this.stallTimer) clearTimeout(this.stallTimer);
      this.stallTimer = undefined;
      return;
    }
    if (this.stallTimer && !progressed) return;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => this.slow(`no data accepted for ${this.stallTimeoutMs} ms`), this.stallTimeoutMs);
    this.stallTimer.unref();
  }

  private slow(detail: string): void {
    if (this.isClosed) return;
    this.queue.clear();
    this.handlers.onSlowConsumer(detail);
    this.socket.destroy();
  }
}

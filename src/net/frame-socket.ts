import type { Duplex } from 'node:stream';
import {
  Codec,
  FrameDecoder,
  FrameType,
  Reason,
  StreamKind,
  encodeFrame,
  encodeJson,
  type DecodedFrame,
  type Frame,
  type ReasonMessage,
  type StreamKindValue,
} from '../protocol/index.js';
import { normalizeRemoteAddress } from './address.js';
import { AckWindow } from './ack-window.js';
import { CongestionMeter } from './congestion-meter.js';
import { FlushScheduler } from './flush-scheduler.js';
import type { FlowStats, FrameSocketHandlers, FrameSocketOptions, FrameTransport } from './frame-transport.js';
import { OutboundQueue, type MediaRoom, type QueueStats } from './outbound-queue.js';
import { PendingAck } from './pending-ack.js';
import { monotonicMs } from '../util/clock.js';

const FLUSH_BATCH_BYTES = 256 * 1024;
const CLOSE_FLUSH_TIMEOUT_MS = 1000;
const EMPTY = new Uint8Array(0);

const scheduler = new FlushScheduler();

/**
 * The only place that reads and writes sockets: bytes in → FrameDecoder → frames; frames out → OutboundQueue →
 * batched socket writes. Writes happen once per event-loop turn (batched, as nats.js flushes) and only while
 * the socket's own buffer is under the high-water mark, so media piles up in the queue where the flow-control rules
 * can drop it, never in Node's unbounded socket buffer.
 */
export class FrameSocket implements FrameTransport {
  readonly remoteAddress: string;
  private readonly decoder = new FrameDecoder();
  private readonly queue: OutboundQueue;
  private readonly highWater: number;
  private readonly stallTimeoutMs: number;
  private flushScheduled = false;
  private stallTimer: NodeJS.Timeout | undefined;
  /** Writes and acknowledgements so far, and what stalledMs() last saw: progress is counted, not timed, per flush. */
  private progress = 0;
  /** Acknowledgements that moved the window: with ACK flow control, the proof the peer takes what we write. */
  private acksTaken = 0;
  private progressSeen = 0;
  // Durations here (ACK timing, round trips, congestion samples, stalls) are monotonic: timed with Date.now, the
  // server's wall clock set back a minute cut a participant sending video off within seconds ("no data accepted").
  private progressSeenAt = monotonicMs();
  private closing = false;
  private isClosed = false;
  private readonly window: AckWindow;
  private acksOn = false;
  private bytesReceived = 0;
  private readonly pendingAck: PendingAck;
  private ackTimer: NodeJS.Timeout | undefined;
  private videoQueued = 0;
  /** The congestion of the path to the peer, from this queue's drops and the path's delay (congestion-meter.ts). */
  private readonly congestion = new CongestionMeter();
  /**
   * Writes each frame `takeBatch` hands out straight to the socket: no batch array per flush. A batch of one frame (a
   * relayed audio frame, most of a call's traffic) is one plain write; from a second frame on the socket is corked,
   * so the batch leaves as one writev (`endBatch` uncorks).
   */
  private readonly writer = {
    push: (bytes: Uint8Array): void => {
      this.batchBytes += bytes.length;
      if (!this.batchCorked) {
        if (this.batchFirst === undefined) {
          this.batchFirst = bytes;
          return;
        }
        this.socket.cork();
        this.batchCorked = true;
        this.socket.write(this.batchFirst);
        this.batchFirst = undefined;
      }
      this.socket.write(bytes);
    },
  };
  private batchFirst: Uint8Array | undefined;
  private batchCorked = false;
  private batchBytes = 0;
  /** Filled by mediaRoom() for each batch: one object per connection, not one per flush. */
  private readonly room: MediaRoom = { audio: 0, video: 0, pipeEmpty: true };

  constructor(
    private readonly socket: Duplex & { writableLength: number; remoteAddress?: string | undefined },
    private readonly handlers: FrameSocketHandlers,
    options: FrameSocketOptions = {},
  ) {
    this.remoteAddress = normalizeRemoteAddress(socket.remoteAddress);
    this.queue = new OutboundQueue(options);
    this.highWater = options.highWaterBytes ?? 64 * 1024;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 10_000;
    this.window = new AckWindow(options.ack);
    this.pendingAck = new PendingAck(options.acknowledge);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.flush());
    socket.on('error', () => {
      // 'close' follows with hadError; the error itself is passed there.
    });
    socket.on('close', (hadError: boolean) => {
      this.isClosed = true;
      this.queue.clear();
      if (this.stallTimer) clearTimeout(this.stallTimer);
      if (this.ackTimer) clearTimeout(this.ackTimer);
      this.handlers.onClose(hadError);
    });
  }

  get bufferedAmount(): number {
    return this.queue.queuedBytes + this.socket.writableLength;
  }

  get bytesDelivered(): number {
    // The window counts every write, ACKs or not.
    return this.acksOn ? this.window.acknowledged : this.window.written;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  queueStats(): QueueStats {
    return this.queue.stats();
  }

  capPayload(bytes: number | undefined): void {
    this.decoder.capPayload(bytes);
  }

  enableAcks(): void {
    if (this.acksOn) return;
    this.acksOn = true;
    if (this.pendingAck.owed) this.scheduleAck(monotonicMs());
  }

  stalledMs(): number {
    // Sampled by the server's sweep (twice a second), so this is accurate to a sweep.
    const now = monotonicMs();
    if (this.queue.isEmpty || this.progress !== this.progressSeen) {
      this.progressSeen = this.progress;
      this.progressSeenAt = now;
      return 0;
    }
    return now - this.progressSeenAt;
  }

  congestionLevel(): number {
    const now = monotonicMs();
    if (!this.congestion.due(now)) return this.congestion.level;
    const stats = this.queue.stats();
    return this.congestion.sample(now, {
      videoQueued: this.videoQueued,
      droppedVideoBehind: stats.droppedVideoBehind,
      droppedAudioBehind: stats.droppedAudioBehind,
      taken: this.acksOn ? this.acksTaken : this.progress,
      queueEmpty: this.queue.isEmpty,
      delay: this.acksOn ? this.window.takeDelayEvidence() : undefined,
      targetDelayMs: this.window.targetDelay,
    });
  }

  flowStats(): FlowStats {
    return { acks: this.acksOn, inFlight: this.window.inFlight, window: this.window.window, rttMs: this.window.rttMs };
  }

  send(frame: Frame): void {
    this.sendRaw(frame.kind, frame.sender, encodeFrame(frame));
  }

  sendRaw(kind: StreamKindValue, sender: number, raw: Uint8Array): void {
    if (this.isClosed || this.closing) return;
    if (kind === StreamKind.VIDEO) this.videoQueued += 1;
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
    this.bytesReceived += chunk.length;
    let frames: DecodedFrame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      if (!this.decoder.errored) throw err;
      this.socket.pause();
      this.handlers.onProtocolError(this.decoder.errored);
      return;
    }
    // Acknowledge what we received, except bytes that were only acknowledgements: two peers must not ACK ACKs
    // back and forth for ever (docs/protocol.md §5.1).
    const now = monotonicMs();
    let ackBytes = 0;
    let acked = false;
    for (const frame of frames) {
      if (frame.type !== FrameType.ACK) continue;
      ackBytes += frame.raw.length;
      if (this.acksOn && this.window.onAck(frame.seq, now) > 0) {
        acked = true;
        this.acksTaken++;
      }
    }
    const ackNow = this.pendingAck.onReceived(chunk.length - ackBytes, now);
    if (this.acksOn && ackNow) this.sendAck();
    else if (this.acksOn && this.pendingAck.owed) this.scheduleAck(now);
    if (acked) this.flush(true);
    for (const frame of frames) {
      if (this.isClosed) return;
      this.handlers.onFrame(frame);
    }
  }

  /**
   * Arms the timer that sends an owed ACK on its own when nothing carried it. Not re-armed per read (a timer per read
   * would cost more than it saves): when it fires before the ACK is due, it waits out the rest.
   */
  private scheduleAck(now: number): void {
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(this.onAckTimer, Math.max(1, this.pendingAck.dueAt() - now));
    this.ackTimer.unref();
  }

  private readonly onAckTimer = (): void => {
    this.ackTimer = undefined;
    if (!this.pendingAck.owed) return;
    const now = monotonicMs();
    if (now >= this.pendingAck.dueAt()) this.sendAck();
    else this.scheduleAck(now);
  };

  private sendAck(): void {
    const ack = this.takeAck();
    if (ack) this.sendRaw(StreamKind.CONTROL, 0, ack);
  }

  /** The acknowledgement now owed (and no longer owed), or undefined when nothing is. */
  private takeAck(): Uint8Array | undefined {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.isClosed || this.closing || !this.pendingAck.owed) return undefined;
    this.pendingAck.clear();
    return encodeFrame({
      type: FrameType.ACK, kind: StreamKind.CONTROL, codec: Codec.NONE, flags: 0, sender: 0,
      seq: this.bytesReceived % 2 ** 32, ts: Date.now(), payload: EMPTY,
    });
  }

  /**
   * An owed acknowledgement rides along with data we write anyway: one packet and one wake-up of the peer fewer than
   * an ACK of its own (docs/protocol.md §5.1). The timer still sends it when nothing carries it.
   */
  private piggybackAck(): void {
    if (!this.acksOn || !this.pendingAck.ridesAt(monotonicMs())) return;
    const ack = this.takeAck();
    if (ack) this.queue.enqueue(StreamKind.CONTROL, 0, ack);
  }

  /** Called by the shared scheduler. */
  scheduledFlush(): void {
    this.flushScheduled = false;
    this.flush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Once per event-loop turn, after every socket read of this turn (docs/performance.md).
    scheduler.request(this);
  }

  private flush(acked = false): void {
    if (this.isClosed) return;
    let wrote = false;
    const mediaBefore = this.queue.queuedBytes - this.queue.controlQueuedBytes;
    while (!this.queue.isEmpty && this.socket.writableLength < this.highWater) {
      if (!wrote) this.piggybackAck();
      const room = this.mediaRoom();
      if (this.queue.controlQueuedBytes === 0 && (room.audio <= 0 || this.queue.audioQueuedBytes === 0) && room.video <= 0) break;
      // One batch leaves as one write, or one writev when it has several frames (the writer corks). Joining it into one
      // buffer first (fewer Node write objects, one TLS record) was measured and did not pay: see docs/performance.md.
      this.batchBytes = 0;
      try {
        this.queue.takeBatch(Math.min(FLUSH_BATCH_BYTES, this.highWater), room, this.writer);
      } finally {
        this.endBatch();
      }
      if (this.batchBytes === 0) break;
      this.window.onSent(this.batchBytes, monotonicMs());
      wrote = true;
    }
    if (this.closing && this.queue.isEmpty) {
      this.socket.end();
    }
    // Media held by a full ACK window moves only when acknowledgements come: pings and pongs getting through must not
    // keep a peer that never acknowledges (and holds congestion on its whole room) connected for ever.
    const mediaAfter = this.queue.queuedBytes - this.queue.controlQueuedBytes;
    const mediaWaits = this.acksOn && mediaAfter > 0 && mediaAfter >= mediaBefore;
    this.watchStall(acked || (wrote && !mediaWaits));
    this.queue.flushed();
  }

  /** Writes what the writer held back: the batch's only frame, or the uncork of a longer batch. */
  private endBatch(): void {
    const first = this.batchFirst;
    this.batchFirst = undefined;
    if (first !== undefined) this.socket.write(first);
    if (this.batchCorked) {
      this.batchCorked = false;
      this.socket.uncork();
    }
  }

  /**
   * What the ACK window lets out now (docs/protocol.md §5.1): video up to the window; audio up to half a window
   * more, so audio keeps flowing while the pipe drains after the window shrank.
   */
  private mediaRoom(): MediaRoom {
    const room = this.room;
    if (!this.acksOn) {
      room.audio = room.video = Number.POSITIVE_INFINITY;
      room.pipeEmpty = true;
      return room;
    }
    const inFlight = this.window.inFlight;
    const window = this.window.window;
    room.audio = window * 1.5 - inFlight;
    room.video = window - inFlight;
    room.pipeEmpty = inFlight === 0;
    return room;
  }

  /** Arms a timer while data waits; progress (a write, a drain) re-arms it. */
  private watchStall(progressed: boolean): void {
    if (progressed) this.progress++;
    // Only our queue counts: it holds data only while the socket is over its high-water mark (then 'drain' is due) or
    // the ACK window is full (then an acknowledgement is due). Either one re-arms the timer.
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
    // Already saying goodbye (an idle peer dropped): the close timer ends it; a second reason would be logged too.
    if (this.isClosed || this.closing) return;
    this.queue.clear();
    this.handlers.onSlowConsumer(detail);
    // Told why if its socket still takes a few bytes (a peer that stopped acknowledging); cut off soon either way.
    this.closing = true;
    this.socket.end(encodeFrame({
      type: FrameType.BYE, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq: 0, ts: Date.now(),
      payload: encodeJson({ code: Reason.SLOW_CONSUMER, message: `too slow to receive the call: ${detail}` }),
    }));
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_FLUSH_TIMEOUT_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }
}

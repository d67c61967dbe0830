/**
 * The sending side of ACK flow control (docs/protocol.md §5.1): how many bytes may be in flight (written to the
 * socket but not yet acknowledged by the peer), adapted to the path's queueing delay.
 *
 * Why: socket buffers are no bound at all. On loopback Linux lets ~4 MB sit in the kernel between a writer and a
 * slow reader, and real paths (cellular, Wi-Fi, DSL) buffer seconds. A writer that only watches its own
 * `writableLength` fills those buffers with stale video and audio waits behind it. With the peer's byte counts we
 * see the whole pipe and keep media in our own queue, where the newest-wins and oldest-audio-first rules apply.
 *
 * The controller is delay-based, in the spirit of LEDBAT (RFC 6817): the smallest round trip seen is the empty
 * path; a round trip more than `targetDelayMs` above it means a queue is building, so the window shrinks
 * (multiplicatively, at most once per round trip); below half the target it grows by what was acknowledged.
 * Pure: the clock is passed in.
 */
export interface AckWindowOptions {
  /** Window at the start. Default 32 KiB (it doubles per round trip while the path keeps up). */
  initialBytes?: number;
  /** Never below this: one video frame and a few audio frames must always fit. Default 8 KiB. */
  minBytes?: number;
  /** Never above this. Default 4 MiB. */
  maxBytes?: number;
  /** Queueing delay we accept above the smallest round trip. Default 100 ms. */
  targetDelayMs?: number;
  /** How long a smallest round trip is remembered (two buckets of this length). Default 30 s. */
  baseHistoryMs?: number;
}

const MAX_MARKS = 512;
const MARK_MERGE_MS = 5;

export class AckWindow {
  private readonly minBytes: number;
  private readonly maxBytes: number;
  private readonly targetDelayMs: number;
  private readonly baseHistoryMs: number;
  private windowBytes: number;
  /** Total bytes handed to the socket, and acknowledged by the peer, since the connection opened. */
  private sent = 0;
  private acked = 0;
  /** (end offset, time written) of recent writes, oldest first, to time acknowledgements. */
  private marks: Array<{ end: number; at: number }> = [];
  private baseCurrent = Number.POSITIVE_INFINITY;
  private basePrevious = Number.POSITIVE_INFINITY;
  private baseBucketStart = Number.NEGATIVE_INFINITY;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private lastRtt: number | undefined;
  /** For takeDelayEvidence: round trips since it was last asked, those queued past the target, the worst. */
  private rttSamples = 0;
  private queuedSamples = 0;
  private worstQueueing = 0;

  constructor(options: AckWindowOptions = {}) {
    this.minBytes = options.minBytes ?? 8 * 1024;
    this.maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    this.windowBytes = Math.min(this.maxBytes, Math.max(this.minBytes, options.initialBytes ?? 32 * 1024));
    this.targetDelayMs = options.targetDelayMs ?? 100;
    this.baseHistoryMs = options.baseHistoryMs ?? 30_000;
  }

  /** Bytes handed to the socket since the connection opened (onSent). */
  get written(): number {
    return this.sent;
  }

  /** Bytes the peer has acknowledged receiving since the connection opened. */
  get acknowledged(): number {
    return this.acked;
  }

  /** Bytes written but not yet acknowledged. */
  get inFlight(): number {
    return this.sent - this.acked;
  }

  get window(): number {
    return this.windowBytes;
  }

  /** Queueing delay accepted above the empty path's round trip. */
  get targetDelay(): number {
    return this.targetDelayMs;
  }

  /**
   * Round trips measured since the last call, how many queued past the target, and the worst queueing.
   * The window bounds the queue at about the target, which suits a bulk transfer; a call's audio behind it would be
   * late by as much (30 kB/s under a 33 kB/s call held every frame 100–250 ms late). A path that queues that long in
   * most round trips carries less than is sent, and only sending less (the video ladder) helps.
   */
  takeDelayEvidence(): { samples: number; queued: number; worstQueueingMs: number } {
    const evidence = { samples: this.rttSamples, queued: this.queuedSamples, worstQueueingMs: this.worstQueueing };
    this.rttSamples = 0;
    this.queuedSamples = 0;
    this.worstQueueing = 0;
    return evidence;
  }

  /** The most recent round trip measured from an acknowledgement, if any. */
  get rttMs(): number | undefined {
    return this.lastRtt;
  }

  /** Bytes of media that may still be written now. */
  get room(): number {
    return Math.max(0, this.windowBytes - this.inFlight);
  }

  /** Smallest round trip remembered: the delay of the empty path. */
  get baseRttMs(): number | undefined {
    const base = Math.min(this.baseCurrent, this.basePrevious);
    return Number.isFinite(base) ? base : undefined;
  }

  /** Records `bytes` written to the socket at `now`. */
  onSent(bytes: number, now: number): void {
    if (bytes <= 0) return;
    this.sent += bytes;
    const last = this.marks[this.marks.length - 1];
    // Writes close together share one mark; a full list stretches its newest mark instead of growing.
    if (last && (now - last.at < MARK_MERGE_MS || this.marks.length >= MAX_MARKS)) last.end = this.sent;
    else this.marks.push({ end: this.sent, at: now });
  }

  /**
   * Applies an acknowledgement carrying the low 32 bits of the peer's received-byte count. Returns the bytes it
   * newly acknowledged (0 for a stale or impossible value, which is ignored).
   */
  onAck(count32: number, now: number): number {
    // Reconstruct the full count: the highest value ≤ sent with these low 32 bits.
    const behind = (((this.sent % 2 ** 32) - (count32 >>> 0)) + 2 ** 32) % 2 ** 32;
    const count = this.sent - behind;
    if (count <= this.acked) return 0;
    const newly = count - this.acked;
    this.acked = count;
    let sentAt: number | undefined;
    while (this.marks.length > 0 && this.marks[0]!.end <= count) sentAt = this.marks.shift()!.at;
    if (sentAt !== undefined) this.onRtt(now - sentAt, now, newly);
    return newly;
  }

  private onRtt(rtt: number, now: number, ackedBytes: number): void {
    this.lastRtt = rtt;
    if (now - this.baseBucketStart >= this.baseHistoryMs) {
      this.basePrevious = this.baseCurrent;
      this.baseCurrent = Number.POSITIVE_INFINITY;
      this.baseBucketStart = now;
    }
    this.baseCurrent = Math.min(this.baseCurrent, rtt);
    const queueing = rtt - this.baseRttMs!;
    this.rttSamples++;
    this.worstQueueing = Math.max(this.worstQueueing, queueing);
    if (queueing > this.targetDelayMs) {
      // Past the target itself: a round trip carries up to 50 ms of the peer's ACK delay (§5.1) besides any queue.
      this.queuedSamples++;
      // At most once per round trip: one overshoot is one signal, not one per acknowledgement.
      if (now - this.lastDecreaseAt >= Math.max(rtt, 20)) {
        this.windowBytes = Math.max(this.minBytes, Math.floor(this.windowBytes * 0.7));
        this.lastDecreaseAt = now;
      }
    } else if (queueing < this.targetDelayMs / 2 && this.inFlight + ackedBytes >= this.windowBytes / 2) {
      // Grow only while the window is being used; an idle connection keeps what it has.
      this.windowBytes = Math.min(this.maxBytes, this.windowBytes + ackedBytes);
    }
  }
}

/**
 * Adaptive jitter buffer for one remote participant's audio (SPEC §4). Pure: time comes from an injected clock.
 *
 * Frames are kept encoded and handed out in sequence order, so the caller decodes them in order (Opus is stateful)
 * and runs concealment exactly where a frame is missing. The caller pulls once per 20 ms playout tick.
 *
 * Delay policy (after WebRTC NetEq, simplified to whole frames):
 * - Each arrival's relative delay is its transit time (`arrival − capture time`, or `arrival − seq·20 ms` when the
 *   capture time is not given) minus the smallest transit in the recent window. With the capture time, the pauses of
 *   voice activity transmission (docs/protocol.md §4.3: `seq` counts frames sent, not 20 ms periods) are no delay.
 *   The target playout delay is the window's 95th percentile plus one frame, kept within [min, max] (40–200 ms by
 *   default; 60 ms until enough arrivals have been seen).
 * - The level (audio held from the next frame to play up to the newest) is steered to the target: a missing frame is
 *   waited for (concealing in its place, which adds 20 ms of delay) while the level is below the target, and given up
 *   for lost once it is above, or once it has been waited for as long as the target (nothing newer is coming to raise
 *   the level: the frame after it ended a talk spurt); a level more than `catchUpMs` over the target is cut back at once by dropping the
 *   oldest frames (after a stall delivers a burst), as is any level above the maximum; a smaller excess goes one
 *   frame at a time once it has lasted, a quiet one (a pause between words, `isQuiet`) when one comes next within
 *   `quietWaitPulls`: 20 ms cut from a pause goes unheard, cut from a word it is a skip. A level a frame or more
 *   under the target for as long (a sender whose clock runs slow: its frames come every 20.02 ms) gets a frame of
 *   concealment in a pause the same way, before it runs dry in the middle of a word.
 * - After `maxConcealFrames` consecutive concealments with nothing buffered the stream is idle (the talker muted, or
 *   the network stalled): pulls return `idle` and the next arrival starts a fresh prefetch, which plays once its first
 *   frame has waited `target − one frame`, or at once when a target's worth arrived together. After the last frame of
 *   a talk spurt (`spurtEnd`) it is idle at once: the silence that follows is meant, and nothing is concealed.
 *   What was played (or given up) stays played while idle: a frame of it arriving late is discarded, not played
 *   out of order. A count more than `restartFrames` behind it is a sender that started counting again: heard afresh.
 * - Frames marked `preroll` (a talk spurt's onset, sent late on purpose with the frame that opened it) are not measured
 *   as network delay.
 * - Arrivals delayed beyond the maximum delay (stalls) are not fed into the percentile: no buffer can bridge them,
 *   and they would hold the delay at its maximum long after the stall.
 * - Measurements expire after `historyMaxAgeMs` (5 s). With voice activity a stream sends nothing between talk spurts,
 *   so a window counted in arrivals alone would hold a burst from someone's last turn (a stalled sender catching up,
 *   a busy start) against their next turn many seconds later; after a longer silence the buffer starts afresh.
 */
import { RecentValues } from './recent-values.js';

/** What is known of a frame besides its sequence number. */
export interface FrameTiming {
  /**
   * Sender's capture time (wall-clock ms, frame header `ts`). Only differences between arrivals count, so the
   * sender's and receiver's clocks need not agree; give it for every frame of a stream or for none.
   */
  captureTs?: number;
  /** The sender goes silent after this frame (voice activity transmission). */
  spurtEnd?: boolean;
  /** Sent late on purpose (a spurt's onset, sent with the frame that opened it): no measure of network delay. */
  preroll?: boolean;
}

/** What to play at this tick. */
export type JitterPull<T> =
  | { type: 'frame'; seq: number; payload: T }
  /** The frame `seq` is missing: play concealment (decoder PLC). */
  | { type: 'conceal'; seq: number }
  /** Nothing to play: not started, or the stream went quiet. Contribute silence. */
  | { type: 'idle' };

/** Counters and levels for call stats. */
export interface JitterStats {
  /** Audio held at the last pull, in ms: the current playout delay the buffer adds. */
  delayMs: number;
  /** The delay the buffer is steering to. */
  targetDelayMs: number;
  /** Frames accepted. */
  received: number;
  /** Frames handed out to play. */
  played: number;
  /** Concealment frames handed out (losses, and waits for late frames). */
  concealed: number;
  /** Frames given up for lost (concealed in their place and skipped). */
  lost: number;
  /** Frames that arrived after their turn and were discarded. */
  late: number;
  /** Frames discarded to bring the delay back down (after a stall or when the jitter eased). */
  dropped: number;
  /** Frames received twice. */
  duplicates: number;
}

/** Options of `JitterBuffer`; all times in milliseconds. */
export interface JitterBufferOptions<T = unknown> {
  /** Monotonic clock. Required: inject `performance.now` in production, a fake in tests. */
  now: () => number;
  /** Duration of one frame. Default 20. */
  frameMs?: number;
  /** Target delay before enough arrivals have been measured. Default 60. */
  initialDelayMs?: number;
  /** Lowest target delay. Default 40 (one frame of jitter plus the playout timer's own). */
  minDelayMs?: number;
  /** Highest target delay. Default 200 (SPEC §4). */
  maxDelayMs?: number;
  /** Percentile of the relative arrival delay to absorb, 0–1. Default 0.95. */
  percentile?: number;
  /** Arrivals in the measuring window. Default 100 (2 s of audio). */
  historySize?: number;
  /** Arrivals needed before the measured target replaces the initial one. Default 25. */
  warmupArrivals?: number;
  /** Measurements older than this are forgotten. Default 5000. */
  historyMaxAgeMs?: number;
  /** Excess over the target that is dropped at once. Default 60. */
  catchUpMs?: number;
  /** Pulls a small excess (one frame or more) must last before one frame is dropped. Default 25 (0.5 s). */
  slowCatchUpPulls?: number;
  /** Whether a frame is quiet: a small excess is shed from quiet frames first. Default: every frame is. */
  isQuiet?: (payload: T) => boolean;
  /**
   * Further pulls a small excess waits for a quiet frame before any frame is dropped. Default 25 (0.5 s): speech pauses
   * more often than that, and a sound that never pauses (music) should not keep the extra delay for long.
   */
  quietWaitPulls?: number;
  /** Consecutive concealments, with nothing buffered, after which the stream is idle. Default 5 (100 ms). */
  maxConcealFrames?: number;
  /** Sequence numbers wrap at this value. Default 2^32 (docs/protocol.md frame header). */
  seqModulus?: number;
  /** A frame this far behind what was played is a sender that restarted its count, not a late frame. Default 500 (10 s). */
  restartFrames?: number;
}

/** One remote participant's jitter buffer; see the module comment for the policy. */
export class JitterBuffer<T = Uint8Array> {
  private readonly o: Required<JitterBufferOptions<T>>;
  private readonly frames = new Map<number, T>();
  /** Relative delays of recent arrivals, and when they arrived. */
  private readonly history: RecentValues;
  /** Transit times of recent arrivals (their minimum is the base), and when they arrived. */
  private readonly transits: RecentValues;
  private lastExtSeq: number | undefined;
  private newestSeq = -Infinity;
  private nextSeq: number | undefined; // defined while playing
  /** Every frame up to this one has had its turn (played, concealed for good or dropped); kept while idle. */
  private playedThrough: number | undefined;
  private prefetchSince: number | undefined; // arrival time of the first frame while not playing
  private concealRun = 0;
  /** Frames that end a talk spurt, and whether the frame played last did. */
  private readonly spurtEnds = new Set<number>();
  private spurtEnded = false;
  private excessPulls = 0;
  private shortPulls = 0;
  private target: number;
  private readonly s: JitterStats;

  constructor(options: JitterBufferOptions<T>) {
    this.o = {
      frameMs: 20,
      initialDelayMs: 60,
      minDelayMs: 40,
      maxDelayMs: 200,
      percentile: 0.95,
      historySize: 100,
      warmupArrivals: 25,
      historyMaxAgeMs: 5000,
      catchUpMs: 60,
      slowCatchUpPulls: 25,
      isQuiet: () => true,
      quietWaitPulls: 25,
      maxConcealFrames: 5,
      seqModulus: 2 ** 32,
      restartFrames: 500,
      ...options,
    };
    this.history = new RecentValues(this.o.historySize, this.o.historyMaxAgeMs);
    this.transits = new RecentValues(this.o.historySize, this.o.historyMaxAgeMs);
    this.target = this.o.initialDelayMs;
    this.s = { delayMs: 0, targetDelayMs: this.target, received: 0, played: 0, concealed: 0, lost: 0, late: 0, dropped: 0, duplicates: 0 };
  }

  /** Accepts a frame with its wire sequence number; `arrivalMs` defaults to now. */
  push(seq: number, payload: T, arrivalMs: number = this.o.now(), timing: FrameTiming = {}): void {
    let ext = this.unwrap(seq);
    if (this.playedThrough !== undefined && this.playedThrough - ext > this.o.restartFrames) {
      this.reset();
      ext = this.unwrap(seq);
    }
    if (!timing.preroll) this.measure(arrivalMs - (timing.captureTs ?? ext * this.o.frameMs), arrivalMs);
    if (this.playedThrough !== undefined && ext <= this.playedThrough) {
      this.s.late += 1;
      return;
    }
    if (this.frames.has(ext)) {
      this.s.duplicates += 1;
      return;
    }
    // A jump far ahead (the sender restarted, or came back from a long mute) restarts playout at the new frames.
    const far = (2 * this.o.maxDelayMs) / this.o.frameMs + this.o.maxConcealFrames;
    if (this.nextSeq !== undefined && ext - this.nextSeq > far) this.stopPlaying();
    this.frames.set(ext, payload);
    if (timing.spurtEnd) this.spurtEnds.add(ext);
    this.s.received += 1;
    if (ext > this.newestSeq) this.newestSeq = ext;
    if (this.nextSeq === undefined && this.prefetchSince === undefined) this.prefetchSince = arrivalMs;
  }

  /** Called once per frame period by the playout loop. */
  pull(): JitterPull<T> {
    const f = this.o.frameMs;
    if (this.nextSeq === undefined) {
      const oldest = this.frames.size > 0 ? Math.min(...this.frames.keys()) : undefined;
      // Play once the first frame has waited out the target, or at once when as much arrived together (a spurt's
      // onset with the frame that opened it, or a burst after a stall).
      const waited = this.prefetchSince !== undefined && this.o.now() - this.prefetchSince >= this.target - f;
      if (oldest === undefined || (!waited && (this.newestSeq - oldest + 1) * f < this.target)) {
        this.s.delayMs = 0;
        return { type: 'idle' };
      }
      this.advanceTo(oldest);
    }
    this.catchUp();
    const seq = this.nextSeq!; // playing from here on
    const level = this.levelMs();
    this.s.delayMs = level;
    const payload = this.frames.get(seq);
    if (payload !== undefined && this.stretchNow(payload)) {
      this.s.concealed += 1;
      return { type: 'conceal', seq: this.wrap(seq) };
    }
    if (payload !== undefined) {
      this.frames.delete(seq);
      this.advanceTo(seq + 1);
      this.concealRun = 0;
      this.spurtEnded = this.spurtEnds.delete(seq);
      this.s.played += 1;
      return { type: 'frame', seq: this.wrap(seq), payload };
    }
    if (this.frames.size === 0 && (this.spurtEnded || this.concealRun >= this.o.maxConcealFrames)) {
      this.stopPlaying();
      return { type: 'idle' };
    }
    this.concealRun += 1;
    this.s.concealed += 1;
    // Give the frame up when waiting for it would push the delay past the target, or has lasted as long as the target
    // (nothing newer is coming: the frame after it ended a spurt); else wait (the delay grows a frame).
    if (this.frames.size > 0 && (level > this.target || this.concealRun * this.o.frameMs >= this.target)) {
      this.advanceTo(seq + 1);
      this.s.lost += 1;
    }
    return { type: 'conceal', seq: this.wrap(seq) };
  }

  /** Frames held, waiting for their turn. */
  get held(): number {
    return this.frames.size;
  }

  /** A snapshot of the counters. */
  stats(): JitterStats {
    return { ...this.s, targetDelayMs: this.target };
  }

  /** Forgets all frames and measurements (e.g. after the participant rejoined). Counters are kept. */
  reset(): void {
    this.frames.clear();
    this.spurtEnds.clear();
    this.history.clear();
    this.transits.clear();
    this.lastExtSeq = undefined;
    this.newestSeq = -Infinity;
    this.playedThrough = undefined;
    this.stopPlaying();
    this.target = this.o.initialDelayMs;
  }

  // Audio held, from the next frame to play through the newest received, in ms.
  private levelMs(): number {
    if (this.nextSeq === undefined || this.frames.size === 0) return 0;
    return Math.max(0, this.newestSeq - this.nextSeq + 1) * this.o.frameMs;
  }

  private catchUp(): void {
    const f = this.o.frameMs;
    let excess = this.levelMs() - this.target;
    // Past the catch-up margin, or past the hard maximum (SPEC §4: never above 200 ms), cut back at once.
    if (excess > this.o.catchUpMs || this.levelMs() > this.o.maxDelayMs) {
      // Over the frames held, not over the gap: a sender whose seq jumped by 2³¹ must not stall the loop for a minute.
      const next = this.nextSeq! + Math.ceil(excess / f);
      for (const seq of this.frames.keys()) {
        if (seq >= next) continue;
        this.frames.delete(seq);
        this.s.dropped += 1;
      }
      for (const seq of this.spurtEnds) if (seq < next) this.spurtEnds.delete(seq);
      this.advanceTo(next);
      this.excessPulls = 0;
      return;
    }
    // A frame or more over the target for a while: the jitter eased, shed one frame — the next quiet one to play, or
    // after a longer wait (music, a monologue without pauses) whichever is next.
    this.excessPulls = excess >= f ? this.excessPulls + 1 : 0;
    if (this.frameDueInPause(this.excessPulls, this.frames.get(this.nextSeq!))) {
      this.dropOldest();
      this.excessPulls = 0;
    }
  }

  /** Whether to play a frame of concealment before `next` to bring a level that stayed short back up to the target. */
  private stretchNow(next: T): boolean {
    this.shortPulls = this.target - this.levelMs() >= this.o.frameMs ? this.shortPulls + 1 : 0;
    if (!this.frameDueInPause(this.shortPulls, next)) return false;
    this.shortPulls = 0;
    return true;
  }

  /**
   * Whether a level off the target by a frame for `pulls` pulls is brought back by a frame now, shed or added: after
   * `slowCatchUpPulls`, when the next frame is quiet, or after `quietWaitPulls` more whatever it is.
   */
  private frameDueInPause(pulls: number, next: T | undefined): boolean {
    if (pulls < this.o.slowCatchUpPulls) return false;
    return (next !== undefined && this.o.isQuiet(next)) || pulls >= this.o.slowCatchUpPulls + this.o.quietWaitPulls;
  }

  private dropOldest(): void {
    const seq = this.nextSeq!;
    this.spurtEnds.delete(seq);
    if (this.frames.delete(seq)) this.s.dropped += 1;
    this.advanceTo(seq + 1);
  }

  /** Everything before `seq` has had its turn. */
  private advanceTo(seq: number): void {
    this.nextSeq = seq;
    this.playedThrough = seq - 1;
  }

  private stopPlaying(): void {
    this.nextSeq = undefined;
    this.concealRun = 0;
    this.spurtEnded = false;
    this.excessPulls = 0;
    this.shortPulls = 0;
    this.prefetchSince = this.frames.size > 0 ? this.o.now() : undefined;
  }

  private measure(transit: number, arrivalMs: number): void {
    const hadHistory = this.history.size > 0;
    this.transits.expire(arrivalMs);
    this.history.expire(arrivalMs);
    // Everything measured is stale: back to the initial target until enough new arrivals are in.
    if (hadHistory && this.history.size === 0) this.target = this.o.initialDelayMs;
    this.transits.push(transit, arrivalMs);
    let base = Infinity;
    for (const t of this.transits.values) base = Math.min(base, t);
    const delay = transit - base;
    if (delay <= this.o.maxDelayMs) this.history.push(delay, arrivalMs);
    if (this.history.size < this.o.warmupArrivals) return;
    const sorted = [...this.history.values].sort((a, b) => a - b);
    const p = sorted[Math.min(sorted.length - 1, Math.ceil(this.o.percentile * sorted.length) - 1)]!;
    const f = this.o.frameMs;
    const wanted = Math.ceil((p + f) / f) * f;
    this.target = Math.min(this.o.maxDelayMs, Math.max(this.o.minDelayMs, wanted));
  }

  // Extends a wrapping sequence number to a monotonic one, choosing the value nearest the last one seen.
  private unwrap(seq: number): number {
    const m = this.o.seqModulus;
    if (this.lastExtSeq === undefined) {
      this.lastExtSeq = seq;
      return seq;
    }
    const lastWrapped = ((this.lastExtSeq % m) + m) % m;
    let diff = seq - lastWrapped;
    if (diff > m / 2) diff -= m;
    else if (diff < -m / 2) diff += m;
    const ext = this.lastExtSeq + diff;
    if (ext > this.lastExtSeq) this.lastExtSeq = ext;
    return ext;
  }

  private wrap(ext: number): number {
    const m = this.o.seqModulus;
    return ((ext % m) + m) % m;
  }
}

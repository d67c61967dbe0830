/**
 * How far behind the terminal is, told by the terminal itself. After each video frame the video layer asks for the
 * terminal's status (DSR 5, `CSI 5 n`), which the terminal answers (`CSI 0 n`) once it has read everything written
 * before the question. Over SSH the local pty drains into sshd at once, so the bytes Node still holds say nothing:
 * a link slower than the video queues seconds of stale frames (and the echo of every key) in ssh's buffers. Frames
 * asked about and not answered yet say how many are on the way; past a few, the layer skips frames (newest wins)
 * until answers come back, unless nothing is queueing (a far but fast link: no question on its way longer than the
 * quickest recent answer took, give or take 80 ms). Inside tmux, tmux answers: it paces its own clients.
 *
 * Pure but for the clock, which is injected.
 */

/** Written after each frame. */
export const STATUS_QUERY = '\x1b[5n';
/** How many answers the quickest round trip is taken from (~10 s of video at 15 fps). */
const RECENT_ROUND_TRIPS = 150;

export interface PacerOptions {
  /** Frames that may be on their way at once. Default 3: at 15 fps, up to ~200 ms of video queued on a slow link. */
  maxInFlight?: number;
  /**
   * More may go while no question has been on its way longer than the quickest recent answer took plus this
   * (nothing is queueing: a far but fast link, whose round trip alone would hold 15 fps to 3 frames a round trip).
   * Default 80 ms.
   */
  queueAllowanceMs?: number;
  /** ... up to this many. Default 12. */
  maxInFlightUnqueued?: number;
  /** With no answer yet at all: how long until the terminal counts as one that does not answer (and is not paced). */
  firstAnswerWaitMs?: number;
  /** With answers before: how long without one until the count starts again (an answer lost on the way). */
  stallMs?: number;
  now?: () => number;
}

export class TerminalPacer {
  private inFlight = 0;
  /** When each unanswered question went out, oldest first (answers come in order). */
  private readonly askedAt: number[] = [];
  /** The last answer's round trip: how long the terminal took to read a frame and answer. */
  roundTripMs: number | undefined;
  private state: 'unknown' | 'answering' | 'silent' = 'unknown';
  private lastProgressAt = 0;
  /** The last answers' round trips, for the quickest of them: the link's own delay, nothing queued. */
  private readonly recentRoundTrips: number[] = [];
  private readonly maxInFlight: number;
  private readonly queueAllowanceMs: number;
  private readonly maxInFlightUnqueued: number;
  private readonly firstAnswerWaitMs: number;
  private readonly stallMs: number;
  private readonly now: () => number;

  constructor(options: PacerOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? 3;
    this.queueAllowanceMs = options.queueAllowanceMs ?? 80;
    this.maxInFlightUnqueued = options.maxInFlightUnqueued ?? 12;
    this.firstAnswerWaitMs = options.firstAnswerWaitMs ?? 2000;
    this.stallMs = options.stallMs ?? 8000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Frames written and not answered yet. */
  get framesInFlight(): number {
    return this.inFlight;
  }

  /** Whether a frame may be written now. */
  mayWrite(): boolean {
    if (this.state === 'silent' || this.inFlight < this.maxInFlight) return true;
    // Nothing overdue: the oldest question on its way is no older than an answer takes when nothing queues.
    const oldest = this.askedAt[0];
    if (this.inFlight < this.maxInFlightUnqueued && oldest !== undefined && this.recentRoundTrips.length > 0) {
      if (this.now() - oldest <= Math.min(...this.recentRoundTrips) + this.queueAllowanceMs) return true;
    }
    const waited = this.now() - this.lastProgressAt;
    if (this.state === 'unknown' && waited > this.firstAnswerWaitMs) {
      this.state = 'silent';
      this.forgetQuestions();
      return true;
    }
    if (this.state === 'answering' && waited > this.stallMs) {
      this.forgetQuestions();
      return true;
    }
    return false;
  }

  /** A frame is going out: counts it, and returns what to write right after it ({@link STATUS_QUERY}; nothing to a terminal that never answers). */
  wrote(): string {
    if (this.state === 'silent') return '';
    const now = this.now();
    if (this.inFlight === 0) this.lastProgressAt = now;
    this.inFlight += 1;
    this.askedAt.push(now);
    return STATUS_QUERY;
  }

  /** The terminal answered one question: it has read up to that frame. */
  answered(): void {
    this.state = 'answering';
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastProgressAt = this.now();
    const asked = this.askedAt.shift();
    if (asked === undefined) return;
    this.roundTripMs = this.lastProgressAt - asked;
    this.recentRoundTrips.push(this.roundTripMs);
    if (this.recentRoundTrips.length > RECENT_ROUND_TRIPS) this.recentRoundTrips.shift();
  }

  private forgetQuestions(): void {
    this.inFlight = 0;
    this.askedAt.length = 0;
  }
}

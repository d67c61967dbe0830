/** Samples closer together than this return the last level: the server's sweep asks about twice a second. */
const CONGESTION_SAMPLE_MS = 450;
const VIDEO_THINNED_RATIO = 0.2;
const CONGESTION_CLEAR_SAMPLES = 3;

/** The path's delay over ACK flow control since the last sample (AckWindow.takeDelayEvidence). */
export interface DelayEvidence {
  samples: number;
  queued: number;
  worstQueueingMs: number;
}

/** What one connection has counted since it opened, read when a sample is due (CongestionMeter.due). */
export interface CongestionReading {
  /** Video frames handed to the outbound queue. */
  videoQueued: number;
  /** Video and audio frames the queue dropped behind the receiver (QueueStats). */
  droppedVideoBehind: number;
  droppedAudioBehind: number;
  /** A count that moves whenever the receiver takes something: acknowledgements with ACKs, else writes and drains. */
  taken: number;
  /** Nothing waits in the outbound queue. */
  queueEmpty: boolean;
  /** With ACK flow control only: the path's delay since the last sample. */
  delay: DelayEvidence | undefined;
  /** Queueing delay the ACK window accepts (AckWindow.targetDelay). */
  targetDelayMs: number;
}

/**
 * How congested the path to one receiver is (docs/protocol.md §5.2), from the connection's drops and the path's delay
 * between samples: 2 when audio was dropped (or, with ACKs, queued past twice the target), 1 when a fifth or more of
 * the video was, else 0. A rise needs two samples in a row, a fall three calm ones. Pure: the clock is passed in.
 */
export class CongestionMeter {
  /** The last sample: when, and the counts it saw. */
  private at = 0;
  private video = 0;
  private droppedVideo = 0;
  private droppedAudio = 0;
  private taken = 0;
  private current = 0;
  /** The level the last sample measured, which the next must agree with for a rise. */
  private pending = 0;
  /** Samples in a row below the current level. */
  private calm = 0;

  /** The level as last sampled. */
  get level(): number {
    return this.current;
  }

  /** Whether a new sample is due at `now`; until it is, `level` stands. */
  due(now: number): boolean {
    return now - this.at >= CONGESTION_SAMPLE_MS;
  }

  /** Takes a sample of the counts in `reading` at `now` and returns the level. */
  sample(now: number, reading: CongestionReading): number {
    const queued = reading.videoQueued - this.video;
    const droppedVideo = reading.droppedVideoBehind - this.droppedVideo;
    const droppedAudio = reading.droppedAudioBehind - this.droppedAudio;
    // A receiver that took nothing since the last sample is frozen or gone, not on a slow path: its drops must not
    // step everyone's video down. With ACK flow control only an acknowledgement shows it took something (audio may
    // still be written into the window's extra half while it takes nothing).
    const took = reading.taken !== this.taken || reading.queueEmpty;
    this.at = now;
    this.video = reading.videoQueued;
    this.droppedVideo = reading.droppedVideoBehind;
    this.droppedAudio = reading.droppedAudioBehind;
    this.taken = reading.taken;
    // With ACKs, also the path's delay: queueing past the window's target in half the round trips of the sample
    // means the path carries less than is sent (the backlog sits in the network, not in our queue, so few frames are
    // dropped here); past twice the target audio is late too.
    const delay = reading.delay;
    const pathFull = delay !== undefined && delay.samples > 0 && delay.queued * 2 >= delay.samples;
    let level = 0;
    if (took && droppedAudio > 0) level = 2;
    else if (pathFull && delay.worstQueueingMs > 2 * reading.targetDelayMs) level = 2;
    else if (pathFull || (took && queued > 0 && droppedVideo / queued >= VIDEO_THINNED_RATIO)) level = 1;
    // A rise needs two samples in a row: one that froze partway through a sample took data and dropped some in it.
    const rise = Math.min(level, this.pending);
    this.pending = level;
    if (rise > this.current) {
      this.calm = 0;
      this.current = rise;
    } else if (level >= this.current) {
      this.calm = 0;
    } else if (++this.calm >= CONGESTION_CLEAR_SAMPLES) {
      this.calm = 0;
      this.current = level;
    }
    return this.current;
  }
}

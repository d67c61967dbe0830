/**
 * Call statistics over a sliding window (SPEC §1 `stats` event, every 2 s): per remote stream fps, kbit/s,
 * capture→decode latency percentiles and frames lost (sequence gaps, which include frames the server dropped
 * for flow control). Pure: times are passed in.
 */
export interface StreamWindowStats {
  fps: number;
  kbps: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  framesDropped: number;
  frames: number;
}

export class StreamStats {
  private frames = 0;
  private bytes = 0;
  private latencies: number[] = [];
  private dropped = 0;
  private lastSeq: number | undefined;
  private totalDropped = 0;

  /**
   * Records one frame: its sequence number, size, and capture→decode latency in ms (undefined for a frame late on
   * purpose, a talk spurt's onset: docs/protocol.md §4.3).
   */
  record(seq: number, bytes: number, latencyMs: number | undefined): void {
    this.arrived(seq, bytes);
    this.frames += 1;
    // Never below 0: between machines the clocks agree to within ServerClock's 50 ms, which can put a frame a few ms
    // before its capture.
    if (latencyMs !== undefined && this.latencies.length < 10_000) this.latencies.push(Math.max(0, latencyMs));
  }

  /** A frame that arrived (its bytes came over the link) but was dropped here: replaced by a newer one, or broken. */
  discarded(seq: number, bytes: number): void {
    this.arrived(seq, bytes);
    this.dropped += 1;
    this.totalDropped += 1;
  }

  /** The next frame starts a new count (video again after audio only: what the sender sent meanwhile is not loss). */
  resetSequence(): void {
    this.lastSeq = undefined;
  }

  private arrived(seq: number, bytes: number): void {
    if (this.lastSeq !== undefined) {
      const gap = (seq - this.lastSeq - 1) >>> 0;
      // A huge "gap" is a restarted sender (seq back to 1) or reordering, not loss.
      if (gap > 0 && gap < 1000) {
        this.dropped += gap;
        this.totalDropped += gap;
      }
    }
    this.lastSeq = seq;
    this.bytes += bytes;
  }

  get droppedTotal(): number {
    return this.totalDropped;
  }

  /** Returns the stats of the window that lasted `windowMs` and starts a new one. */
  takeWindow(windowMs: number): StreamWindowStats {
    const seconds = windowMs / 1000;
    const sorted = this.latencies.sort((a, b) => a - b);
    const result: StreamWindowStats = {
      fps: round1(this.frames / seconds),
      kbps: round1((this.bytes * 8) / 1000 / seconds),
      latencyP50Ms: percentile(sorted, 0.5),
      latencyP95Ms: percentile(sorted, 0.95),
      framesDropped: this.dropped,
      frames: this.frames,
    };
    this.frames = 0;
    this.bytes = 0;
    this.latencies = [];
    this.dropped = 0;
    return result;
  }
}

/** Nearest-rank percentile of an ascending list; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return round1(sorted[index]!);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

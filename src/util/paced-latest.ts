import { monotonicMs } from './clock.js';
import { TokenBucket } from './token-bucket.js';

/**
 * Sends the latest of a changing value at most at a bucket's pace: a change made while the bucket is empty waits,
 * and later changes fold into it (only the newest goes). For STATE and RECEIVE, where only the last word counts.
 */
export class PacedLatest<T> {
  private readonly bucket: TokenBucket;
  private waiting: { value: T } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    pace: { perSecond: number; burst: number },
    private readonly send: (value: T) => void,
    private readonly now: () => number = monotonicMs,
  ) {
    this.bucket = new TokenBucket(pace.perSecond, pace.burst, now());
  }

  set(value: T): void {
    this.waiting = { value };
    this.sendIfAllowed();
  }

  /** Drops what waits (the connection ended). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting = undefined;
  }

  private sendIfAllowed(): void {
    if (!this.waiting || this.timer) return;
    const now = this.now();
    if (this.bucket.take(now)) {
      const { value } = this.waiting;
      this.waiting = undefined;
      this.send(value);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendIfAllowed();
    }, this.bucket.waitMs(now));
    this.timer.unref();
  }
}

/**
 * A token bucket: at most `burst` tokens, refilled at `perSecond`. Pure: the caller passes the time (ms), so one
 * bucket serves a server's limit and a client's pacing alike, and tests need no clock.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Takes `amount` tokens (one message, or its bytes) if there are as many. */
  take(now: number, amount = 1): boolean {
    this.refill(now);
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }

  /** Milliseconds until `amount` tokens are there (0: now). */
  waitMs(now: number, amount = 1): number {
    this.refill(now);
    return this.tokens >= amount ? 0 : Math.ceil(((amount - this.tokens) / this.perSecond) * 1000);
  }

  /** Whether it has refilled by `now` (a full bucket holds no information and may be forgotten). */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    // A clock set back (a wall clock, NTP stepping it) refills nothing, and refilling goes on from there: kept at the
    // old time, the bucket gave nothing for as long as the clock had gone back (an hour of chat that never went).
    if (now <= this.at) {
      this.at = now;
      return;
    }
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }
}

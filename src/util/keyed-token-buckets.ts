import { TokenBucket } from './token-bucket.js';

/**
 * A token bucket per key (an address), pure: at most `maxKeys` remembered. When a new key would pass that, the
 * buckets that have refilled are forgotten (a full bucket holds no information), failing that the oldest.
 */
export class KeyedTokenBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly maxKeys: number,
  ) {}

  /** Takes `amount` tokens from `key`'s bucket if there are as many (a key not seen lately starts full). */
  take(key: string, now: number, amount = 1): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      bucket = new TokenBucket(this.perSecond, this.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now, amount);
  }

  /** Keys remembered. */
  get size(): number {
    return this.buckets.size;
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.isFull(now)) this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
  }
}

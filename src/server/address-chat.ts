import { ADDRESS_CHAT_BYTE_LIMIT } from '../protocol/index.js';
import { TokenBucket } from '../util/token-bucket.js';

/** Takes between looks for buckets that have refilled (and so say nothing). */
const SWEEP_EVERY = 256;

/**
 * The chat bytes all connections from one address may send together (ADDRESS_CHAT_BYTE_LIMIT, docs/protocol.md §4.3),
 * pure: beside each connection's own limit (PeerLimits), which a client leaving and joining again starts afresh.
 * Chat is never dropped on its way to a member, so what one address can pour into a room is what a stalled member's
 * control queue must hold.
 */
export class AddressChatBudget {
  private readonly buckets = new Map<string, TokenBucket>();
  private takes = 0;

  constructor(private readonly limit: { perSecond: number; burst: number } = ADDRESS_CHAT_BYTE_LIMIT) {}

  /** Takes `bytes` of chat from address `key`'s budget: why it is flooding, or undefined while within it. */
  take(key: string, now: number, bytes: number): string | undefined {
    if (++this.takes % SWEEP_EVERY === 0) this.forgetRefilled(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limit.perSecond, this.limit.burst, now);
      this.buckets.set(key, bucket);
    }
    if (bucket.take(now, bytes)) return undefined;
    return `more than ${this.limit.perSecond / 1024} KiB of chat a second from its address`;
  }

  /** Addresses remembered (for tests: a full bucket is forgotten). */
  get size(): number {
    return this.buckets.size;
  }

  private forgetRefilled(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}

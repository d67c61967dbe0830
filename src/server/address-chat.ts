import { ADDRESS_CHAT_BYTE_LIMIT } from '../protocol/index.js';
import { KeyedTokenBuckets } from '../util/keyed-token-buckets.js';

/**
 * The chat bytes all connections from one address may send together (ADDRESS_CHAT_BYTE_LIMIT, docs/protocol.md §4.3),
 * pure: beside each connection's own limit (PeerLimits), which a client leaving and joining again starts afresh.
 * Chat is never dropped on its way to a member, so what one address can pour into a room is what a stalled member's
 * control queue must hold.
 */
export class AddressChatBudget {
  private readonly buckets: KeyedTokenBuckets;

  constructor(
    limit: { perSecond: number; burst: number } = ADDRESS_CHAT_BYTE_LIMIT,
    /** Addresses remembered at most (as the connection limiter's): refilled budgets are forgotten first. */
    maxKeys = 10_000,
  ) {
    this.buckets = new KeyedTokenBuckets(limit.perSecond, limit.burst, maxKeys);
  }

  /** Takes `bytes` of chat from address `key`'s budget: why it is flooding, or undefined while within it. */
  take(key: string, now: number, bytes: number): string | undefined {
    if (this.buckets.take(key, now, bytes)) return undefined;
    return `more than ${this.buckets.perSecond / 1024} KiB of chat a second from its address`;
  }

  /** Addresses remembered (for tests: a refilled budget is forgotten when room is needed). */
  get size(): number {
    return this.buckets.size;
  }
}

import { Reason } from '../protocol/index.js';
import { KeyedTokenBuckets } from '../util/keyed-token-buckets.js';
import { monotonicMs } from '../util/clock.js';

/**
 * Admission control for new TCP connections, before any byte is read or any TLS handshake is done
 * (docs/protocol.md §5.3): a cap on connections in all, a cap per remote address, and a per-address token bucket
 * on the rate of new connections. Pure, with an injected clock; the server counts a connection in on `admit` and
 * out on `release`.
 */
export interface ConnectionLimits {
  /** Connections open at once, joined or not. Default 2048. */
  maxConnections?: number;
  /** Connections open at once from one address. Default 64 (a NAT'd office, not a flood). */
  maxConnectionsPerAddress?: number;
  /** New connections per second one address may open, on average. Default 10. */
  connectionRatePerAddress?: number;
  /** Burst of new connections one address may open at once. Default 40 (a room reconnecting after a restart). */
  connectionBurstPerAddress?: number;
}

export interface ConnectionLimiterOptions extends ConnectionLimits {
  /** Addresses remembered at most; idle full buckets are forgotten first. Default 10,000. */
  maxKeys?: number;
  /** Milliseconds, for durations. Default monotonicMs (a wall clock may be set back). */
  now?: () => number;
}

export type Admission =
  | { ok: true }
  | { ok: false; code: typeof Reason.TOO_MANY_CONNECTIONS | typeof Reason.CONNECTING_TOO_FAST; message: string };

export class ConnectionLimiter {
  readonly maxConnections: number;
  readonly maxPerAddress: number;
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly now: () => number;
  private total = 0;
  private readonly open = new Map<string, number>();
  private readonly buckets: KeyedTokenBuckets;

  constructor(options: ConnectionLimiterOptions = {}) {
    this.maxConnections = options.maxConnections ?? 2048;
    this.maxPerAddress = options.maxConnectionsPerAddress ?? 64;
    this.ratePerSecond = options.connectionRatePerAddress ?? 10;
    this.burst = options.connectionBurstPerAddress ?? 40;
    this.buckets = new KeyedTokenBuckets(this.ratePerSecond, this.burst, options.maxKeys ?? 10_000);
    this.now = options.now ?? monotonicMs;
  }

  /** Connections currently counted in. */
  get openConnections(): number {
    return this.total;
  }

  /** Decides about a new connection from `address`; an admitted one is counted until `release(address)`. */
  admit(address: string): Admission {
    if (this.total >= this.maxConnections) {
      return { ok: false, code: Reason.TOO_MANY_CONNECTIONS, message: `the server is at its limit of ${this.maxConnections} connections; try again later` };
    }
    const open = this.open.get(address) ?? 0;
    if (open >= this.maxPerAddress) {
      return { ok: false, code: Reason.TOO_MANY_CONNECTIONS, message: `too many connections from this address (limit ${this.maxPerAddress})` };
    }
    if (!this.buckets.take(address, this.now())) {
      return { ok: false, code: Reason.CONNECTING_TOO_FAST, message: `too many new connections from this address (limit ${this.ratePerSecond} per second); try again in a moment` };
    }
    this.open.set(address, open + 1);
    this.total += 1;
    return { ok: true };
  }

  release(address: string): void {
    const open = this.open.get(address);
    if (open === undefined) return;
    if (open <= 1) this.open.delete(address);
    else this.open.set(address, open - 1);
    this.total = Math.max(0, this.total - 1);
  }
}

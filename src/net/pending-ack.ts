/**
 * When the receiving side of ACK flow control acknowledges (docs/protocol.md §5.1). Pure: the clock is passed in.
 *
 * Every acknowledgement that cannot ride with data we write anyway is a packet of its own, and a wake-up of the peer
 * (on a relaying server, nearly a third of its reads in a call where one person talks). So an owed ACK waits for
 * data to ride with, as long as three things hold:
 * - the peer's round-trip samples stay honest: it times an ACK against its newest write the ACK covers, so an ACK
 *   goes alone once `quietMs` passed without new data. Its samples then carry at most `quietMs` of our waiting,
 *   well inside the 100 ms of queueing delay its window tolerates (ack-window.ts);
 * - the peer's window turns over: at the latest `maxHoldMs` after the oldest unacknowledged byte, and at once after
 *   `everyBytes`;
 * - ACKs do not ride on every frame of a participant who talks (24 bytes each): one rides once it is half the quiet
 *   time old.
 * A participant who listens receives data all the time and sends video every 67 ms: its ACKs ride with its video.
 */
export interface PendingAckOptions {
  /** An owed ACK goes alone this long after the newest data it covers. Default 50 ms. */
  quietMs?: number;
  /** …and at the latest this long after the oldest. Default 200 ms. */
  maxHoldMs?: number;
  /** …and at once when this many bytes are owed. Default 16 KiB. */
  everyBytes?: number;
}

export class PendingAck {
  private readonly quietMs: number;
  private readonly maxHoldMs: number;
  private readonly everyBytes: number;
  private bytes = 0;
  private oldestAt = 0;
  private newestAt = 0;

  constructor(options: PendingAckOptions = {}) {
    this.quietMs = options.quietMs ?? 50;
    this.maxHoldMs = options.maxHoldMs ?? 200;
    this.everyBytes = options.everyBytes ?? 16 * 1024;
  }

  /** True while some received bytes are not acknowledged yet. */
  get owed(): boolean {
    return this.bytes > 0;
  }

  /** Counts `bytes` received at `now` that need acknowledging. Returns true when an ACK is due at once. */
  onReceived(bytes: number, now: number): boolean {
    if (bytes <= 0) return false;
    if (this.bytes === 0) this.oldestAt = now;
    this.newestAt = now;
    this.bytes += bytes;
    return this.bytes >= this.everyBytes;
  }

  /** When the owed ACK must leave on its own if nothing carries it earlier. */
  dueAt(): number {
    return Math.min(this.newestAt + this.quietMs, this.oldestAt + this.maxHoldMs);
  }

  /** Whether an owed ACK should ride with a write that is leaving now. */
  ridesAt(now: number): boolean {
    return this.bytes > 0 && now - this.oldestAt >= this.quietMs / 2;
  }

  /** An ACK is being sent: nothing is owed any more. */
  clear(): void {
    this.bytes = 0;
  }
}

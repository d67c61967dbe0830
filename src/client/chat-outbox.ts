import { monotonicMs } from '../util/clock.js';
import { CLIENT_CHAT_BYTE_PACE, CLIENT_CHAT_PACE } from '../protocol/index.js';
import { TokenBucket } from '../util/token-bucket.js';

/**
 * Chat on its way out. Messages written before the join finished or while reconnecting wait here and go once
 * joined (`echo hi | connect --headless` must not lose the line); a long paste, split into many messages, leaves
 * at CLIENT_CHAT_PACE and CLIENT_CHAT_BYTE_PACE, inside the server's limits (a client that floods it is disconnected:
 * MESSAGE_LIMIT, CHAT_BYTE_LIMIT).
 */
export class ChatOutbox {
  private readonly queue: string[] = [];
  private readonly bucket: TokenBucket;
  private readonly bytes: TokenBucket;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Whether messages can go now (joined); when not, they wait for the next `drain`. */
    private readonly ready: () => boolean,
    private readonly deliver: (text: string) => void,
    /** Most messages waiting at once; more are refused (a paste into a dead link must not grow without end). */
    private readonly limit = 100,
    private readonly now: () => number = monotonicMs,
  ) {
    this.bucket = new TokenBucket(CLIENT_CHAT_PACE.perSecond, CLIENT_CHAT_PACE.burst, now());
    this.bytes = new TokenBucket(CLIENT_CHAT_BYTE_PACE.perSecond, CLIENT_CHAT_BYTE_PACE.burst, now());
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** The messages waiting, oldest first. */
  get texts(): readonly string[] {
    return [...this.queue];
  }

  /** Queues one message; false if the outbox is full and it was not kept. */
  push(text: string): boolean {
    if (this.queue.length >= this.limit) return false;
    this.queue.push(text);
    return true;
  }

  /** Queues messages ahead of the rest, in their order (lines to send again after a rejoin), whatever the limit. */
  pushFront(texts: readonly string[]): void {
    this.queue.unshift(...texts);
  }

  /** Sends what the pace allows now, and arranges for the rest. */
  drain(): void {
    if (this.timer) return;
    while (this.queue.length > 0 && this.ready()) {
      const now = this.now();
      const text = this.queue[0]!;
      // The CHAT payload's size, as the server counts it (JSON with the text, docs/protocol.md §4.3).
      const size = Buffer.byteLength(JSON.stringify({ text }));
      const waitMs = Math.max(this.bucket.waitMs(now), this.bytes.waitMs(now, size));
      if (waitMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.drain();
        }, waitMs);
        this.timer.unref();
        return;
      }
      this.bucket.take(now);
      this.bytes.take(now, size);
      this.deliver(this.queue.shift()!);
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

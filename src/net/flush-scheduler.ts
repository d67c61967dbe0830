/** What the scheduler flushes: a FrameSocket with frames queued. */
export interface Flushable {
  scheduledFlush(): void;
}

/** A flush requested this long after the last request or flush finds a quiet loop (see FlushScheduler). */
const QUIET_GAP_MS = 1;

/**
 * Flushes for every FrameSocket of the process once per event-loop turn (not once per socket). Under load the flush
 * is a `setImmediate`: it runs in the check phase, after every socket read of the turn, so a relay that got frames
 * from several senders writes each receiver once (docs/performance.md). When the loop was quiet (nothing requested or
 * flushed for QUIET_GAP_MS, as on a server relaying a small call, which sleeps between packets) a second read in the
 * same turn is unlikely, so the flush runs as soon as the current callback returns: the same writes without the extra
 * loop turn a `setImmediate` costs.
 */
export class FlushScheduler {
  private pending: Flushable[] = [];
  private armed = false;
  private lastActivityAt = Number.NEGATIVE_INFINITY;

  request(socket: Flushable): void {
    this.pending.push(socket);
    // Later requests of the same turn join the armed flush; only the first reads the clock.
    if (this.armed) return;
    const now = performance.now();
    const quiet = now - this.lastActivityAt > QUIET_GAP_MS;
    this.lastActivityAt = now;
    this.armed = true;
    if (quiet) process.nextTick(this.run);
    else setImmediate(this.run);
  }

  private readonly run = (): void => {
    this.armed = false;
    const list = this.pending;
    this.pending = [];
    for (let i = 0; i < list.length; i++) list[i]!.scheduledFlush();
    // A long flush (hundreds of receivers) must not make the next turn's first read look like a quiet loop.
    this.lastActivityAt = performance.now();
  };
}

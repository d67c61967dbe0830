/**
 * The server's wall clock as seen from here, so media timestamps mean the same on every machine (docs/protocol.md
 * §2 `ts`): a sender whose clock is 3 s fast made its receivers report −3,000 ms from capture to decode, and one that
 * is slow a latency of seconds that was not there.
 *
 * The server stamps its WELCOME and each PING it sends (every 5 s) with its wall time. Arriving after about half a
 * round trip, each says where the server's clock is against ours, give or take the path's asymmetry; the sample
 * with the shortest round trip of the last minute is the least disturbed by queues (NTP's clock filter,
 * simplified). Two samples in a row that disagree with it by more than their round trips allow, and agree with each
 * other, mean a clock was set: the older samples are dropped. (One alone is a PING held up on its way, which our
 * round trip did not see.)
 *
 * The offset in use moves only when the estimate is more than HOLD_MS from it: a sample is off by however long this
 * process took to read the PING (a busy event loop, tens of ms), and every move shifts the stamps, which receivers'
 * jitter buffers take for jitter. So clocks that agree as well as NTP keeps them stay uncorrected (the offset stays
 * 0, as on one machine), and clocks seconds apart are corrected once, to within HOLD_MS.
 * Pure: times are passed in.
 */
interface Sample {
  at: number;
  offsetMs: number;
  rttMs: number;
}

/** How far apart two samples may be, beyond their round trips, before a clock is taken to have been set. */
const STEP_SLACK_MS = 50;
/** How far the estimate may be from the offset in use before the offset moves to it. */
const HOLD_MS = 50;

export class ServerClock {
  private samples: Sample[] = [];
  private best: Sample | undefined;
  private applied: number;
  /** A sample that disagreed with the best: a clock set, if the next one agrees with it. */
  private outlier: Sample | undefined;

  constructor(
    /** Where to start: a previous connection's estimate, or 0 (our own clock) until the first sample. */
    initialOffsetMs = 0,
    private readonly historyMs = 60_000,
  ) {
    this.applied = initialOffsetMs;
  }

  /** Milliseconds to add to our wall clock to get the server's (held: see the module comment). */
  get offsetMs(): number {
    return this.applied;
  }

  /** A PING the server stamped `serverTs` arrived at `localMs` (our wall clock); our last round trip was `rttMs`. */
  sample(serverTs: number, localMs: number, rttMs: number): void {
    if (!Number.isFinite(serverTs) || !Number.isFinite(localMs) || !Number.isFinite(rttMs) || rttMs < 0) return;
    const sample = { at: localMs, offsetMs: serverTs + rttMs / 2 - localMs, rttMs };
    if (this.best && !agree(sample, this.best)) {
      const outlier = this.outlier;
      this.outlier = sample;
      if (!outlier || !agree(sample, outlier)) return;
      // A clock was set (either one): what was measured before no longer holds.
      this.samples = [outlier];
    }
    this.outlier = undefined;
    // Ours going backwards counts as a setting too: samples "from the future" go.
    this.samples = this.samples.filter((s) => s.at <= localMs && localMs - s.at < this.historyMs);
    this.samples.push(sample);
    this.best = this.samples.reduce((a, b) => (b.rttMs <= a.rttMs ? b : a));
    if (Math.abs(this.best.offsetMs - this.applied) > HOLD_MS) this.applied = Math.round(this.best.offsetMs);
  }
}

/** Whether two samples could be of the same clocks: apart by no more than their round trips allow. */
function agree(a: Sample, b: Sample): boolean {
  return Math.abs(a.offsetMs - b.offsetMs) <= (a.rttMs + b.rttMs) / 2 + STEP_SLACK_MS;
}

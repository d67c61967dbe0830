/**
 * The server's wall clock as seen from here, so media timestamps mean the same on every machine (docs/protocol.md
 * §2 `ts`): a sender whose clock is 3 s fast made its receivers report −3,000 ms from capture to decode, and one that
 * is slow a latency of seconds that was not there.
 *
 * The server stamps its WELCOME and each PING it sends (every 5 s) with its wall time. Arriving after about half a
 * round trip, each says where the server's clock is against ours, within half that round trip. A sample's error
 * bound grows with its age, as two clocks drift apart (NTP's dispersion); the sample with the least bound now is the
 * estimate: the short round trip of a quiet moment, not the long one of a WELCOME whose HELLO waited seconds in a
 * stalled path, or queued at a stopped server (one clock serves every connection of a call, so a reconnect keeps
 * what it knew). Two samples in a row that disagree with it by more than their round trips allow, and agree with
 * each other, mean a clock was set: the older samples are dropped. (One alone is a PING held up on its way, which
 * our round trip did not see; two that put the server less than LATE_READ_MS behind are two read late.)
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
/** How late a starved process may read PING after PING; a clock that seems set back by less is taken for that. */
const LATE_READ_MS = 1000;
/** How far the estimate may be from the offset in use before the offset moves to it. */
const HOLD_MS = 50;
/** How fast two clocks may drift apart: 50 ppm (a cheap crystal; NTP assumes 15). An hour-old sample is ±180 ms. */
const DRIFT = 50e-6;
/** Samples kept (PINGs come every 5 s): enough for a quiet moment to be among them. */
const MAX_SAMPLES = 32;

export class ServerClock {
  private samples: Sample[] = [];
  private best: Sample | undefined;
  /** Until the first sample, 0: our own clock. */
  private applied = 0;
  /** A sample that disagreed with the best: a clock set, if the next one agrees with it. */
  private outlier: Sample | undefined;

  /** Milliseconds to add to our wall clock to get the server's (held: see the module comment). */
  get offsetMs(): number {
    return this.applied;
  }

  /**
   * A frame the server stamped `serverTs` arrived at `localMs` (our wall clock); `rttMs` is our last round trip, or
   * with `ownRoundTrip` this frame's own (a WELCOME, the answer to our HELLO or AUTH): the server stamped it within
   * that round trip, so unlike a PING, which may have been held up on its way unseen, it cannot be off by more.
   */
  sample(serverTs: number, localMs: number, rttMs: number, ownRoundTrip = false): void {
    if (!Number.isFinite(serverTs) || !Number.isFinite(localMs) || !Number.isFinite(rttMs) || rttMs < 0) return;
    const sample = { at: localMs, offsetMs: serverTs + rttMs / 2 - localMs, rttMs };
    if (this.best && !agree(sample, this.best, localMs)) {
      const outlier = this.outlier;
      this.outlier = sample;
      // Two PINGs read late by about as much (this process starved for a while, twice) agree with each other and put
      // the server's clock behind where it is: read as a clock set, they moved every stamp ~100 ms for two PINGs.
      // So a step that way confirms only when it is longer than such reads are late; the other way none can fake it.
      const confirmed = outlier !== undefined && agree(sample, outlier, localMs) && !readLate(sample, this.best);
      // A WELCOME that disagrees is a clock set (or a server on another machine after a reconnect): at once.
      if (!ownRoundTrip && !confirmed) return;
      // A clock was set (either one): what was measured before no longer holds.
      this.samples = confirmed ? [outlier] : [];
    }
    this.outlier = undefined;
    // Ours going backwards counts as a setting too: samples "from the future" go.
    this.samples = this.samples.filter((s) => s.at <= localMs);
    this.samples.push(sample);
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
    this.best = this.samples.reduce((a, b) => (errorBound(b, localMs) <= errorBound(a, localMs) ? b : a));
    if (Math.abs(this.best.offsetMs - this.applied) > HOLD_MS) this.applied = Math.round(this.best.offsetMs);
  }
}

/**
 * Whether `s` is explained by a read this late: its server time looks older than `best` says, by less than a
 * process stalls (a real clock set this small goes uncorrected until the next WELCOME, which is measured by its own
 * round trip).
 */
function readLate(s: Sample, best: Sample): boolean {
  const behind = best.offsetMs - s.offsetMs;
  return behind > 0 && behind < LATE_READ_MS;
}

/** How far `s` may be off the true offset at `now`: half its round trip, plus what the clocks drifted since. */
function errorBound(s: Sample, now: number): number {
  return s.rttMs / 2 + (now - s.at) * DRIFT;
}

/** Whether two samples could be of the same clocks at `now`: apart by no more than their error bounds allow. */
function agree(a: Sample, b: Sample, now: number): boolean {
  return Math.abs(a.offsetMs - b.offsetMs) <= errorBound(a, now) + errorBound(b, now) + STEP_SLACK_MS;
}

/**
 * A seeded simulation of one remote sender over a hostile network, for randomized tests of the jitter buffer.
 *
 * The sender captures a frame every 20 ms by its own (drifting) clock, sends only while talking (voice activity, with
 * `spurtEnd` and late `preroll` onsets), stamps frames with a wall clock that NTP may step, and may start counting
 * again. The network delays, reorders, duplicates, loses in bursts and stalls then delivers in a burst. Everything
 * comes from the seed.
 */
import { rng } from '../../helpers/rng.js';
import type { FrameTiming } from '../../../src/media/audio/jitter-buffer.js';

/** What the receiver is given, and what identifies the frame in checks. */
export interface SimFrame {
  /** Unique per frame sent (duplicates share it). */
  id: number;
  /** Which run of sequence numbers (bumped when the sender starts counting again). */
  epoch: number;
  /** Frames sent before this one in its epoch: its place in send order. */
  index: number;
  seq: number;
  arrival: number;
  timing: FrameTiming;
}

/** What is not given is chosen from the seed. */
export interface SimOptions {
  seed: number;
  durationMs: number;
  /** The sender's sound card against our clock: positive is slow (frames every 20.004 ms at 200). */
  driftPpm?: number;
  /** The first `seq`; near 2³² to wrap within the run. */
  seqStart?: number;
  seqModulus?: number;
  /** Sends only in talk spurts (spurt ends marked, onsets sent late as preroll). */
  voiceActivity?: boolean;
  /** Frames carry their capture time. */
  captureTs?: boolean;
  /** Loss (bursts), duplicates, reordering, stalls, NTP steps and restarts. Default true. */
  hostile?: boolean;
  /**
   * Whether a hostile sender may start counting again (default true): only after 600 frames, since a count that
   * starts again less than `restartFrames` (500) behind is late by design.
   */
  restarts?: boolean;
  /** Scale of the exponential arrival jitter. */
  jitterMs?: number;
  /** Arrivals never overtake each other (one TCP stream). */
  tcpOrder?: boolean;
}

/** Frames in arrival order (ties in send order). */
export function simulateSender(o: SimOptions): SimFrame[] {
  const r = rng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hostile = o.hostile ?? true;
  const m = o.seqModulus ?? 2 ** 32;
  const drift = (o.driftPpm ?? (r() * 400 - 200)) * 1e-6;
  const vad = o.voiceActivity ?? r() < 0.6;
  const withTs = o.captureTs ?? r() < 0.85;
  let seq = o.seqStart ?? pick([1, 0, m - 37, m - 1, Math.floor(r() * m)]);
  const baseDelay = 5 + r() * 80;
  const jitterMs = o.jitterMs ?? pick([0, 2, 10, 30, 80, 200]);
  const lossRate = hostile ? pick([0, 0, 0.01, 0.05, 0.2]) : 0;
  const dupRate = hostile ? pick([0, 0, 0.01, 0.1]) : 0;
  const reorderRate = hostile ? pick([0, 0, 0.02, 0.1]) : 0;
  const tcpOrder = o.tcpOrder ?? r() < 0.5; // one TCP stream: arrivals never overtake
  let clockOffset = r() * 1e12;
  let talking = true;
  let stateLeft = 0;
  let epoch = 0;
  let index = 0;
  let id = 0;
  let stallUntil = -1;
  let lossLeft = 0;
  let lastArrival = 0;
  let epochStart = 0;
  const skipped: Array<{ captureTs: number }> = [];
  const out: SimFrame[] = [];
  const send = (sendAt: number, captureTs: number, timing: FrameTiming): void => {
    let arrival = sendAt + baseDelay + (jitterMs > 0 ? -Math.log(1 - r()) * jitterMs * 0.4 : 0);
    if (arrival < stallUntil) arrival = stallUntil + r() * 2;
    arrival = Math.max(arrival, epochStart);
    if (tcpOrder) arrival = Math.max(arrival, lastArrival);
    else if (r() < reorderRate) arrival += 20 + r() * 60;
    lastArrival = Math.max(lastArrival, arrival);
    const lost = lossLeft > 0 || r() < lossRate;
    if (lossLeft > 0) lossLeft -= 1;
    else if (hostile && r() < 0.002) lossLeft = Math.floor(r() * 30);
    const frame: SimFrame = { id: id++, epoch, index: index++, seq, arrival, timing: withTs ? { ...timing, captureTs } : timing };
    seq = (seq + 1) % m;
    if (lost) return;
    out.push(frame);
    if (r() < dupRate) out.push({ ...frame, arrival: arrival + r() * 100 });
  };
  for (let k = 0; ; k++) {
    const at = k * 20 * (1 + drift);
    if (at > o.durationMs) break;
    if (hostile && r() < 0.001) stallUntil = at + pick([100, 300, 600, 1500, 5000]);
    if (hostile && r() < 0.0005) clockOffset += pick([-3_600_000, -5000, -300, 300, 5000, 86_400_000]); // NTP step
    if (hostile && index > 600 && r() < 0.0005 && o.restarts !== false) {
      epoch += 1; // the sender starts counting again (a restart: a new connection, after the old one's frames)
      epochStart = lastArrival + 3;
      index = 0;
      seq = pick([0, 1, Math.floor(r() * m)]);
    }
    const captureTs = Math.round(at + clockOffset);
    if (vad && stateLeft <= 0) {
      talking = !talking;
      stateLeft = talking ? 10 + Math.floor(r() * 200) : 1 + Math.floor(r() * pick([5, 50, 400]));
      if (talking) {
        // The onset held back while silent goes first, late by design.
        const onset = skipped.slice(skipped.length - Math.min(skipped.length, Math.floor(r() * 5)));
        for (const held of onset) send(at, held.captureTs, { preroll: true });
      }
      skipped.length = 0;
    }
    stateLeft -= 1;
    if (!talking) {
      skipped.push({ captureTs });
      continue;
    }
    send(at, captureTs, vad && stateLeft === 0 ? { spurtEnd: true } : {});
  }
  out.sort((a, b) => a.arrival - b.arrival || a.id - b.id);
  // A restart is a new connection: nothing of the old one (a duplicate) comes after the new one's first frame.
  let newestEpoch = 0;
  return out.filter((f) => {
    newestEpoch = Math.max(newestEpoch, f.epoch);
    return f.epoch === newestEpoch;
  });
}

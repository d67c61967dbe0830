/** Signal measures shared by the audio tests. */
import { rng } from '../../helpers/rng.js';

/** Low-passed noise, as a fan or the hum of traffic sounds, at about −34 dBFS; the same for the same seed. */
export function fanNoise(samples: number, seed: number): Int16Array {
  const random = rng(seed);
  let y = 0;
  return new Int16Array(samples).map(() => Math.round((y = 0.97 * y + 0.03 * (random() * 2 - 1) * 32768 * 0.3)));
}

/** Normalised cross-correlation of `b` against `a` at the lag (b delayed by `lag`) in [0, maxLag] that maximises it. */
export function bestAlignedCorrelation(a: Int16Array, b: Int16Array, maxLag: number): { lag: number; corr: number } {
  let best = { lag: 0, corr: -Infinity };
  for (let lag = 0; lag <= maxLag; lag++) {
    const corr = correlationAt(a, b, lag);
    if (corr > best.corr) best = { lag, corr };
  }
  return best;
}

/** Normalised correlation of a[i] with b[i + lag] over their overlap. */
export function correlationAt(a: Int16Array, b: Int16Array, lag: number): number {
  const n = Math.min(a.length, b.length - lag);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i + lag]!;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** RMS energy per block of `block` samples (a loudness envelope, robust to phase changes a codec makes). */
export function envelope(x: Int16Array, block: number): Float64Array {
  const out = new Float64Array(Math.floor(x.length / block));
  for (let b = 0; b < out.length; b++) {
    let s = 0;
    for (let i = b * block; i < (b + 1) * block; i++) s += x[i]! * x[i]!;
    out[b] = Math.sqrt(s / block);
  }
  return out;
}

/** Pearson correlation of two equal-length series. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Signal-to-noise ratio in dB of `b` (delayed by lag) as a copy of `a`. */
export function snrDb(a: Int16Array, b: Int16Array, lag: number): number {
  const n = Math.min(a.length, b.length - lag);
  let sig = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    sig += a[i]! ** 2;
    noise += (a[i]! - b[i + lag]!) ** 2;
  }
  return 10 * Math.log10(sig / Math.max(noise, 1e-9));
}

/** Peak absolute sample. */
export function peak(x: Int16Array): number {
  let p = 0;
  for (const v of x) p = Math.max(p, Math.abs(v));
  return p;
}

/** Goertzel power of frequency `hz` in `x` relative to total power (0–1): how much of the signal is that tone. */
export function toneFraction(x: Int16Array, hz: number, rate = 48_000): number {
  const w = (2 * Math.PI * hz) / rate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (const v of x) {
    const s0 = v + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += v * v;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return total === 0 ? 0 : (2 * power) / (x.length * total);
}

/** The 20 ms blocks of `x` with their energy (sum of squares) and the share of it at `hz`. */
function* toneBlocks(x: Int16Array, hz: number, rate: number): Generator<{ samples: number; energy: number; atHz: number }> {
  for (const piece of blocksOf20ms(x, rate)) {
    let energy = 0;
    for (const v of piece) energy += v * v;
    yield { samples: piece.length, energy, atHz: toneFraction(piece, hz, rate) };
  }
}

/** `x` in whole 20 ms blocks (a partial last one left out). */
function* blocksOf20ms(x: Int16Array, rate: number): Generator<Int16Array> {
  const block = Math.round(rate / 50);
  for (let at = 0; at + block <= x.length; at += block) yield x.subarray(at, at + block);
}

/**
 * Share of the signal's energy at `hz`, measured in 20 ms blocks (energy-weighted). Unlike one Goertzel over the whole
 * signal, a phase jump where a frame was concealed or re-timed does not cancel the tone out: only damaged blocks count
 * against it.
 */
export function blockToneFraction(x: Int16Array, hz: number, rate = 48_000): number {
  const { toneEnergy, energy } = toneTotals(x, hz, rate);
  return energy === 0 ? 0 : toneEnergy / energy;
}

/** Over the 20 ms blocks of `x`: the energy at `hz`, all energy, and the samples they cover. */
function toneTotals(x: Int16Array, hz: number, rate: number): { toneEnergy: number; energy: number; samples: number } {
  const totals = { toneEnergy: 0, energy: 0, samples: 0 };
  for (const b of toneBlocks(x, hz, rate)) {
    totals.toneEnergy += b.atHz * b.energy;
    totals.energy += b.energy;
    totals.samples += b.samples;
  }
  return totals;
}

/** Seconds of `x` whose 20 ms blocks are mostly the tone `hz` (above a quiet floor): how long the tone lasted. */
export function secondsOfTone(x: Int16Array, hz: number, rate = 48_000): number {
  let samples = 0;
  for (const b of toneBlocks(x, hz, rate)) if (Math.sqrt(b.energy / b.samples) > 500 && b.atHz > 0.5) samples += b.samples;
  return samples / rate;
}

/** RMS amplitude of the tone `hz` in `x`, measured in 20 ms blocks (robust to phase jumps, as blockToneFraction). */
export function toneRms(x: Int16Array, hz: number, rate = 48_000): number {
  const { toneEnergy, samples } = toneTotals(x, hz, rate);
  return samples === 0 ? 0 : Math.sqrt(toneEnergy / samples);
}

/**
 * Breaks in a steady tone `hz` (a whole number of periods per 20 ms block): blocks where its phase jumps (samples
 * lost or inserted) or its level drops below half (a gap), counted between the first and last block that hold it.
 */
export function toneBreaks(x: Int16Array, hz: number, rate = 48_000): number {
  const blocks: Array<{ phase: number; amplitude: number }> = [];
  for (const piece of blocksOf20ms(x, rate)) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < piece.length; i++) {
      const w = (2 * Math.PI * hz * i) / rate;
      re += piece[i]! * Math.cos(w);
      im += piece[i]! * Math.sin(w);
    }
    blocks.push({ phase: Math.atan2(im, re), amplitude: (2 * Math.hypot(re, im)) / piece.length });
  }
  const loudest = Math.max(...blocks.map((b) => b.amplitude));
  const first = blocks.findIndex((b) => b.amplitude > loudest / 2);
  const last = blocks.length - 1 - [...blocks].reverse().findIndex((b) => b.amplitude > loudest / 2);
  let breaks = 0;
  for (let k = first + 1; k <= last; k++) {
    const jump = Math.abs(Math.atan2(Math.sin(blocks[k]!.phase - blocks[k - 1]!.phase), Math.cos(blocks[k]!.phase - blocks[k - 1]!.phase)));
    if (blocks[k]!.amplitude < loudest / 2 || jump > 0.2) breaks += 1;
  }
  return breaks;
}

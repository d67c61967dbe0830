/**
 * Sample-rate conversion for WAV files in other rates (SPEC §1 `wav:PATH`). A windowed-sinc interpolator: good enough
 * that speech resampled from 16/22.05/44.1 kHz is clean (stop-band of the Blackman window ≈ −74 dB), and cheap
 * enough for a file loaded once (≈ 30 taps per output sample from a precomputed kernel table).
 */

/** Half-width of the kernel in input samples at unity cutoff. */
const HALF_TAPS = 16;
/** Kernel table resolution: entries per input-sample step, interpolated linearly. */
const TABLE_STEPS = 512;

let kernelTable: Float64Array | undefined;

// sinc(x) · Blackman window over [−HALF_TAPS, HALF_TAPS], tabulated once for x ≥ 0 (the kernel is even).
function kernel(): Float64Array {
  if (kernelTable) return kernelTable;
  const table = new Float64Array(HALF_TAPS * TABLE_STEPS + 2);
  for (let i = 0; i < table.length; i++) {
    const x = i / TABLE_STEPS;
    if (x >= HALF_TAPS) continue;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / HALF_TAPS) + 0.08 * Math.cos((2 * Math.PI * x) / HALF_TAPS);
    table[i] = sinc * w;
  }
  kernelTable = table;
  return table;
}

function kernelAt(table: Float64Array, x: number): number {
  const pos = Math.abs(x) * TABLE_STEPS;
  const i = Math.floor(pos);
  if (i >= table.length - 1) return 0;
  const frac = pos - i;
  return table[i]! + (table[i + 1]! - table[i]!) * frac;
}

/**
 * Converts mono samples from `fromRate` to `toRate`. When downsampling the cutoff is lowered to the new Nyquist
 * frequency so nothing aliases. Returns a new array (or a copy when the rates are equal).
 */
export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError('sample rates must be positive');
  if (fromRate === toRate) return input.slice();
  const table = kernel();
  const ratio = fromRate / toRate; // input samples per output sample
  const cutoff = Math.min(1, toRate / fromRate);
  const half = HALF_TAPS / cutoff; // kernel half-width in input samples
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Int16Array(outLength);
  const last = input.length - 1;
  for (let n = 0; n < outLength; n++) {
    const t = n * ratio;
    const first = Math.max(0, Math.ceil(t - half));
    const end = Math.min(last, Math.floor(t + half));
    let acc = 0;
    for (let k = first; k <= end; k++) acc += input[k]! * kernelAt(table, (t - k) * cutoff);
    acc *= cutoff;
    out[n] = acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc);
  }
  return out;
}

/** Averages interleaved channels into one. */
export function downmixToMono(interleaved: Int16Array, channels: number): Int16Array {
  if (channels === 1) return interleaved;
  const frames = Math.floor(interleaved.length / channels);
  const out = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[f * channels + c]!;
    out[f] = Math.round(sum / channels);
  }
  return out;
}

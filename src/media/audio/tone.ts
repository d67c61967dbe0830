/**
 * `--audio tone[:HZ]`: a generated sine, the audio counterpart of the video test pattern. Works everywhere, and gives
 * tests a signal whose frequency and level are known.
 */
import { startPacer, type Pacer, type PacerOptions } from '../../util/pacer.js';
import { SYSTEM_CLOCK, type Clock } from '../../util/clock.js';
import { FRAME_MS, SOURCE_CATCH_UP_FRAMES, SAMPLE_RATE, SAMPLES_PER_FRAME, type AudioSource } from './format.js';

/** Options of `createToneSource`. */
export interface ToneSourceOptions {
  /** Peak amplitude as a fraction of full scale, 0–1. Default 0.25 (about −15 dBFS RMS: loud but with headroom). */
  amplitude?: number;
  /** Stamps each frame's capture time. Default `SYSTEM_CLOCK`. */
  clock?: Clock;
  /** Starts the 20 ms schedule; injected by tests. Default `startPacer` from `util/pacer`. */
  pacer?: (periodMs: number, tick: (tickIndex: number) => void, opts: PacerOptions) => Pacer;
}

/**
 * A pure generator of sine frames with continuous phase across frames (no click at frame edges). Exposed so the
 * demo's synthetic guests and tests can make frames without a timer.
 */
export class ToneGenerator {
  private phase = 0;
  private readonly step: number;
  private readonly peak: number;

  constructor(hz: number, amplitude = 0.25) {
    if (!(hz > 0 && hz < SAMPLE_RATE / 2)) throw new RangeError(`tone frequency must be between 0 and ${SAMPLE_RATE / 2} Hz`);
    this.step = (2 * Math.PI * hz) / SAMPLE_RATE;
    this.peak = Math.max(0, Math.min(1, amplitude)) * 32767;
  }

  /** Returns the next 20 ms frame (a fresh array: the caller may keep it). */
  next(): Int16Array {
    const out = new Int16Array(SAMPLES_PER_FRAME);
    let phase = this.phase;
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.round(this.peak * Math.sin(phase));
      phase += this.step;
    }
    // Keep the phase small so precision does not erode over a long call.
    this.phase = phase % (2 * Math.PI);
    return out;
  }
}

/**
 * Creates a real-time sine source: one 20 ms frame every 20 ms, stamped with its tick's scheduled time (as the looped
 * WAV source, wav.ts), not the moment a busy process got round to it.
 */
export function createToneSource(hz = 440, opts: ToneSourceOptions = {}): AudioSource {
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const pace = opts.pacer ?? startPacer;
  const generator = new ToneGenerator(hz, opts.amplitude);
  let pacer: Pacer | undefined;
  return {
    description: `tone ${hz} Hz`,
    start(onFrame) {
      if (pacer) return;
      const origin = clock.wallMs();
      pacer = pace(FRAME_MS, (tick) => onFrame(generator.next(), origin + tick * FRAME_MS), { catchUpTicks: SOURCE_CATCH_UP_FRAMES });
    },
    async stop() {
      pacer?.stop();
      pacer = undefined;
    },
  };
}

/**
 * Mixes the remote participants' decoded frames for the speaker (SPEC §4). Pure: one call per 20 ms playout tick.
 *
 * Loudness: frames are summed at unity gain (times each person's volume), so one talker plays back bit-exact. When
 * the sum would exceed the ceiling (several people talking loudly at once), a limiter lowers the gain for the frame
 * (attack within 1 ms at the frame start, ~250 ms release), and a soft clipper above the
 * knee rounds off whatever the ramp lets through, so the output never hits the rails (no hard-clipping distortion).
 */
import { SAMPLES_PER_FRAME } from './format.js';

/** Options of `AudioMixer`. */
export interface AudioMixerOptions {
  /** Peak the limiter steers to, as a fraction of full scale. Default 0.9 (−0.9 dBFS). */
  ceiling?: number;
  /** Gain recovery per frame after limiting, as a factor. Default 1.2 (≈ +1.6 dB per 20 ms: ~250 ms to recover 8 dB). */
  releasePerFrame?: number;
}

/** Per-person playback settings. */
export interface MixerChannelState {
  /** 0–2; 1 is unity. */
  volume: number;
  muted: boolean;
}

const FULL_SCALE = 32768;
/** The soft clipper tends to this and never reaches the rails (±32767), which is what "no clipping" means. */
const MAX_OUT = 32766;
const ATTACK_SAMPLES = 48; // 1 ms at 48 kHz

/** Mixes frames of many participants into one; holds per-person volume/mute and the limiter's state. */
export class AudioMixer {
  private readonly channels = new Map<string, MixerChannelState>();
  private readonly ceiling: number;
  private readonly release: number;
  private gain = 1;
  /** The gain each participant's last frame ended at: a volume or mute change ramps from it, never steps. */
  private readonly applied = new Map<string, number>();
  private readonly acc = new Float64Array(SAMPLES_PER_FRAME);

  constructor(opts: AudioMixerOptions = {}) {
    this.ceiling = Math.min(0.99, Math.max(0.1, opts.ceiling ?? 0.9));
    this.release = Math.max(1, opts.releasePerFrame ?? 1.2);
  }

  /** Sets a participant's volume, clamped to 0–2. */
  setVolume(id: string, volume: number): void {
    const v = Number.isFinite(volume) ? Math.min(2, Math.max(0, volume)) : 1;
    this.channels.set(id, { ...this.state(id), volume: v });
  }

  /** Mutes or unmutes a participant locally (only for this listener). */
  setMuted(id: string, muted: boolean): void {
    this.channels.set(id, { ...this.state(id), muted });
  }

  /** The settings for a participant (defaults: volume 1, not muted). */
  state(id: string): MixerChannelState {
    return this.channels.get(id) ?? { volume: 1, muted: false };
  }

  /** Forgets a participant's settings (they left). */
  remove(id: string): void {
    this.channels.delete(id);
    this.applied.delete(id);
  }

  /** The limiter's current gain, 0–1 (1 when not limiting); for meters and tests. */
  get limiterGain(): number {
    return this.gain;
  }

  /**
   * Mixes one frame from each participant that has one this tick (absent or idle participants are simply left out).
   * Each frame must hold `SAMPLES_PER_FRAME` samples. Returns a new frame.
   */
  mix(frames: Iterable<readonly [id: string, pcm: Int16Array]>): Int16Array {
    const acc = this.acc;
    acc.fill(0);
    for (const [id, pcm] of frames) {
      const { volume, muted } = this.state(id);
      const to = muted ? 0 : volume;
      const from = this.applied.get(id) ?? to;
      this.applied.set(id, to);
      if (from === 0 && to === 0) continue;
      const n = Math.min(pcm.length, SAMPLES_PER_FRAME);
      if (from === to) {
        for (let i = 0; i < n; i++) acc[i]! += pcm[i]! * to;
      } else {
        // Across the frame: a step in gain in the middle of a word is a click.
        for (let i = 0; i < n; i++) acc[i]! += pcm[i]! * (from + ((to - from) * (i + 1)) / n);
      }
    }
    let peak = 0;
    for (let i = 0; i < acc.length; i++) peak = Math.max(peak, Math.abs(acc[i]!));
    const limit = this.ceiling * FULL_SCALE;
    const needed = peak > limit ? limit / peak : 1;
    const from = this.gain;
    const to = needed < from ? needed : Math.min(needed, from * this.release, 1);
    this.gain = to;
    const out = new Int16Array(SAMPLES_PER_FRAME);
    // Attack within the first millisecond (the whole frame is known, so the gain is down before the loud part);
    // release across the frame. Either ramp avoids the click of a gain step.
    const ramp = to < from ? ATTACK_SAMPLES : out.length;
    for (let i = 0; i < out.length; i++) {
      const g = i < ramp ? from + ((to - from) * (i + 1)) / ramp : to;
      out[i] = softClip(acc[i]! * g, limit);
    }
    return out;
  }
}

/**
 * Linear below `knee`; above it, a tanh curve that approaches but never reaches full scale. Returns an Int16 value.
 */
export function softClip(x: number, knee: number): number {
  const a = Math.abs(x);
  if (a <= knee) return Math.round(x);
  const room = MAX_OUT - knee;
  const y = knee + room * Math.tanh((a - knee) / room);
  return Math.round(x < 0 ? -y : y);
}

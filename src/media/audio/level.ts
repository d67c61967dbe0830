/**
 * Levels and speaking detection for the UI (SPEC §4: a speaking/level signal per participant). Pure.
 */

/** Level reported for digital silence, in dBFS. */
export const SILENCE_DBFS = -100;

/** RMS of a frame as a fraction of full scale (0–1). */
export function rmsLevel(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / pcm.length) / 32768;
}

/** RMS of a frame in dBFS (a full-scale square wave is 0, a full-scale sine −3), floored at `SILENCE_DBFS`. */
export function dbfs(pcm: Int16Array): number {
  const rms = rmsLevel(pcm);
  return rms <= 0 ? SILENCE_DBFS : Math.max(SILENCE_DBFS, 20 * Math.log10(rms));
}

/** The largest sample magnitude of a frame (0–32768). */
export function peakOf(pcm: Int16Array): number {
  let peak = 0;
  for (let i = 0; i < pcm.length; i++) {
    const v = pcm[i]! < 0 ? -pcm[i]! : pcm[i]!;
    if (v > peak) peak = v;
  }
  return peak;
}

/** Options of `SpeakingDetector`; levels in dBFS. */
export interface SpeakingDetectorOptions {
  /** A frame this loud (and `marginDb` above the noise floor) counts as voice. Default −45. */
  onDb?: number;
  /** Below this the frame counts as quiet. Default −55 (10 dB of hysteresis). */
  offDb?: number;
  /** Voice must also be this far above the tracked noise floor (hum, fans). Default 10. */
  marginDb?: number;
  /** The tracked noise floor never rises above this, so a steady loud source (a tone) stays "speaking". Default −50. */
  maxNoiseFloorDb?: number;
  /** Voiced frames in a row before speaking starts. Default 2 (40 ms: ignores clicks). */
  attackFrames?: number;
  /** Quiet frames in a row before speaking stops. Default 20 (400 ms: spans the pauses between words). */
  hangoverFrames?: number;
}

/** The detector's view after a frame. */
export interface SpeakingUpdate {
  speaking: boolean;
  /** True when `speaking` differs from the previous frame's. */
  changed: boolean;
  /** This frame's level in dBFS. */
  levelDb: number;
  /** A meter value 0–1 with a falling peak (fast up, ~1 s down), for drawing a level bar. */
  meter: number;
}

/** Per-participant speaking detector with hysteresis, an attack delay and a hangover. */
export class SpeakingDetector {
  private readonly o: Required<SpeakingDetectorOptions>;
  private speaking = false;
  private voicedRun = 0;
  private quietRun = 0;
  private noiseFloor = SILENCE_DBFS;
  private meterValue = 0;

  constructor(opts: SpeakingDetectorOptions = {}) {
    this.o = { onDb: -45, offDb: -55, marginDb: 10, maxNoiseFloorDb: -50, attackFrames: 2, hangoverFrames: 20, ...opts };
  }

  /** Feeds one frame (a decoded remote frame or the local mic's). */
  update(pcm: Int16Array): SpeakingUpdate {
    return this.updateLevel(dbfs(pcm));
  }

  /** {@link update} with the frame's level already measured (dBFS). */
  updateLevel(levelDb: number): SpeakingUpdate {
    // Noise floor: follows drops at once and rises slowly (~3 dB/s), so speech barely moves it but a steady hum does.
    this.noiseFloor = Math.min(
      this.o.maxNoiseFloorDb,
      levelDb < this.noiseFloor ? levelDb : Math.min(levelDb, this.noiseFloor + 0.06),
    );
    const voiced = levelDb >= this.o.onDb && levelDb >= this.noiseFloor + this.o.marginDb;
    const quiet = this.isQuietLevel(levelDb);
    this.voicedRun = voiced ? this.voicedRun + 1 : 0;
    this.quietRun = quiet ? this.quietRun + 1 : 0;
    const before = this.speaking;
    if (!this.speaking && this.voicedRun >= this.o.attackFrames) this.speaking = true;
    else if (this.speaking && this.quietRun >= this.o.hangoverFrames) this.speaking = false;
    // Meter over a 60 dB range.
    const target = Math.max(0, Math.min(1, (levelDb + 60) / 60));
    this.meterValue = target > this.meterValue ? target : Math.max(target, this.meterValue - 0.02);
    return { speaking: this.speaking, changed: before !== this.speaking, levelDb, meter: this.meterValue };
  }

  /** Whether `pcm` is quiet by this detector's measure (a pause, or the room's noise), without feeding it in. */
  isQuiet(pcm: Int16Array): boolean {
    return this.isQuietLevel(dbfs(pcm));
  }

  /** {@link isQuiet} of a frame whose level (dBFS) is already measured. */
  isQuietLevel(levelDb: number): boolean {
    return levelDb < this.o.offDb || levelDb < this.noiseFloor + this.o.marginDb / 2;
  }

  /** Whether the participant is speaking as of the last frame. */
  get isSpeaking(): boolean {
    return this.speaking;
  }
}

/**
 * Folding a WAV file's channels into the program's one (SPEC §1 `wav:PATH`, `format.ts`). Each channel is weighted by
 * where its speaker stands, as the ITU-R BS.775 stereo downmix does (ffmpeg's defaults: front left/right 1, centre
 * and surrounds −3 dB into each side, LFE left out), and the two sides are then averaged. Averaging every channel
 * alike put a 5.1 film's dialogue, which is in the centre channel alone, 15.6 dB under the same voice in a mono file;
 * weighted, it is 3 dB under, as in the stereo downmix. Mono and stereo come out as before (stereo averaged).
 */

/**
 * WAVE_FORMAT_EXTENSIBLE speaker positions, in the order of their dwChannelMask bits (ksmedia.h `SPEAKER_*`): a file
 * stores its channels in this order, for the bits its mask sets; one without a mask is taken to have the first ones.
 */
export const SPEAKER_POSITIONS = [
  'FL', 'FR', 'FC', 'LFE', 'BL', 'BR', 'FLC', 'FRC', 'BC', 'SL', 'SR', 'TC', 'TFL', 'TFC', 'TFR', 'TBL', 'TBC', 'TBR',
] as const;

/** Where a channel's speaker stands (`FL` front left … `TBR` top back right). */
export type SpeakerPosition = (typeof SPEAKER_POSITIONS)[number];

const MINUS_3_DB = Math.SQRT1_2;

/**
 * Each position's weight in the mono mix: its weight into the left side plus its weight into the right, halved (the
 * two sides are averaged). Heights count as the speakers below them (ffmpeg drops them, and their sound with them).
 */
const MONO_WEIGHTS: Readonly<Record<SpeakerPosition, number>> = {
  FL: 0.5,
  FR: 0.5,
  FLC: 0.5,
  FRC: 0.5,
  FC: MINUS_3_DB,
  // Below 120 Hz, and mixed at +10 dB for the subwoofer: in a small speaker it would be boom.
  LFE: 0,
  BL: MINUS_3_DB / 2,
  BR: MINUS_3_DB / 2,
  SL: MINUS_3_DB / 2,
  SR: MINUS_3_DB / 2,
  // Into both surrounds at −3 dB, and they into each side at −3 dB.
  BC: 0.5,
  TC: MINUS_3_DB,
  TFL: 0.5,
  TFC: MINUS_3_DB,
  TFR: 0.5,
  TBL: MINUS_3_DB / 2,
  TBC: 0.5,
  TBR: MINUS_3_DB / 2,
};

/** A channel no speaker position is given for (more channels than the mask names) weighs as a front channel. */
const UNPLACED_WEIGHT = 0.5;

/**
 * The speaker position of each of `channels` channels: the set bits of `channelMask` in order, or, without a mask
 * (plain WAVE_FORMAT_PCM, or a mask of 0), the standard order; `undefined` for a channel beyond what either names.
 */
export function speakerPositions(
  channels: number,
  channelMask: number | undefined,
): Array<SpeakerPosition | undefined> {
  const placed = channelMask ? SPEAKER_POSITIONS.filter((_, bit) => (channelMask >>> bit) & 1) : SPEAKER_POSITIONS;
  return Array.from({ length: channels }, (_, c) => placed[c]);
}

/** The weight of each channel in the mono mix (see {@link speakerPositions} for the mask); a mono file's is 1. */
export function monoWeights(channels: number, channelMask: number | undefined): number[] {
  if (channels === 1) return [1];
  const positions = speakerPositions(channels, channelMask);
  return positions.map((position) => (position ? MONO_WEIGHTS[position] : UNPLACED_WEIGHT));
}

/**
 * Mixes `frames` frames of interleaved samples (`sampleAt(i)`, i counting samples) into one channel by `weights`.
 * When the weights add up to more than 1 (5.1 and up) a loud passage can sum past full scale: the whole file is then
 * mixed again, turned down as a whole just enough that its loudest moment fits, so nothing is clipped, and a file that
 * does not come near full scale keeps its level (turned down for the worst case, as ffmpeg does, every 5.1 file would
 * be 7.7 dB quieter).
 */
export function mixToMono(frames: number, weights: readonly number[], sampleAt: (index: number) => number): Int16Array {
  const channels = weights.length;
  const mixed = (frame: number): number => {
    let sum = 0;
    for (let c = 0, i = frame * channels; c < channels; c++, i++) sum += weights[c]! * sampleAt(i);
    return sum;
  };
  const out = new Int16Array(frames);
  let peak = 0;
  for (let f = 0; f < frames; f++) {
    const value = mixed(f);
    peak = Math.max(peak, Math.abs(value));
    out[f] = Math.round(value);
  }
  // Only when it went past full scale (an Int16Array wraps what does not fit) is it mixed once more, turned down.
  if (peak > 32767) {
    const gain = 32767 / peak;
    for (let f = 0; f < frames; f++) out[f] = Math.round(mixed(f) * gain);
  }
  return out;
}

/** `mixToMono` over interleaved 16-bit samples; mono ones are returned as they are. */
export function downmixToMono(interleaved: Int16Array, weights: readonly number[]): Int16Array {
  if (weights.length === 1 && weights[0] === 1) return interleaved;
  return mixToMono(Math.floor(interleaved.length / weights.length), weights, (i) => interleaved[i]!);
}

/**
 * Acoustic echo cancellation (pure: frames in, frames out). What the others say comes out of your loudspeaker and
 * into your microphone; this learns that path — the delay, the room, the speaker's colour — and subtracts its
 * estimate of the echo from each microphone frame, so the others do not hear themselves and you can talk over them
 * (full duplex). The echo suppressor after it (echo-suppressor.ts) turns down what is left while only they talk.
 *
 * The filter is the multidelay block frequency-domain adaptive filter (MDF: Soo and Pang, 1990) that Speex, and so
 * Mumble, use: the echo path, `tailMs` long, is cut into partitions of one 20 ms frame, each a filter in the
 * frequency domain (2048-point FFTs, overlap-save), adapted by normalised LMS per frequency bin. Two filters run, as
 * in Speex: a background one adapts, the foreground one makes the output and takes the background's weights only
 * when they cancel measurably better; a background gone astray is reset from the foreground. A local voice talking
 * over the far end (double talk) would be learnt as echo, so while the output is well above the echo the filter has
 * been leaving, it learns little — unless that output has been mostly echo for 200 ms (coherent with its estimate:
 * echo-coherence.ts), which is echo it lost, learnt at the full step. When its output has been worse than the
 * microphone, or looked like double talk, for a few frames, it checks whether the echo merely moved (the speaker's
 * timeline slipped: echo-shift.ts) and moves what it learnt by as much; when taking its estimate out has made the
 * microphone louder for 200 ms and the echo did not merely move, the path has changed (another speaker, the laptop
 * moved) and it learns anew.
 *
 * Alignment of the far end with the microphone, and the far end's spectra: echo-far-end.ts.
 */
import { EchoCoherence, MOSTLY_ECHO } from './echo-coherence.js';
import { AlignedFarEnd } from './echo-far-end.js';
import { EchoShiftFinder, shiftFilter } from './echo-shift.js';
import { FilterChooser } from './filter-choice.js';
import { RealFft, copySpectra, spectrum, zeroSpectra, type Spectrum } from './fft.js';
import { FRAME_MS, SAMPLES_PER_FRAME } from './format.js';

export interface EchoCancellerOptions {
  /** The echo path it can learn: speaker-to-microphone delay plus the room's reverberation. Default 400 ms. */
  tailMs?: number;
}

const BLOCK = SAMPLES_PER_FRAME;
const FFT_SIZE = 2048;
/** Taps each partition may hold: the overlap-save output of a 2048-point FFT is valid for 2048 − 960 of them. */
const PARTITION_TAPS = FFT_SIZE - BLOCK;
/** Normalised LMS step of the background filter (0–2): 0.9 learns speech's echo in ~5 s here, 0.5 took twice as long. */
const STEP = 0.9;
/**
 * Double talk: the output is a local voice, not echo left, when it is this much (9 dB) above the echo the filter
 * leaves when only the far end talks. The background filter then learns at a tenth of its step (the voice would be
 * learnt as echo), and the foreground takes nothing from it: it keeps cancelling as it did. Not nothing: what looks
 * like double talk may be an echo path that changed a little (the speaker's timeline slipped), and a filter that
 * learnt nothing then would never find it again.
 */
const DOUBLE_TALK_FACTOR = 8;
const DOUBLE_TALK_STEP = STEP / 10;
/** Frames in a row (200 ms) of output above the echo left yet mostly echo that make it echo the filter lost. */
const LOST_ECHO_FRAMES = 10;
/**
 * Frames (60 ms) after the output rose above the echo left in which what the microphone heard beyond the echo
 * expected says how much is a voice (echoShareOf): the coherence, smoothed over ~4 frames, lags a sudden change.
 */
const SUDDEN_FRAMES = 3;
/** Far-end frames quieter than this RMS (−50 dBFS) teach the filter nothing: no adaptation on them. */
const FAR_ACTIVE_RMS = 100;
/** A frame's energy at that level: below it a frame is near silent (far end or microphone). */
const ACTIVE_FRAME_ENERGY = BLOCK * FAR_ACTIVE_RMS * FAR_ACTIVE_RMS;
/** Per-bin regulariser of the step normalisation: the power of far-end sound at −50 dBFS in one bin. */
const REGULARISER = FFT_SIZE * FAR_ACTIVE_RMS * FAR_ACTIVE_RMS;
/** A bin's power is counted as at least this share (−30 dB) of the far end's mean over bins (see adaptBackground). */
const QUIET_BIN_FLOOR = 1e-3;
/**
 * Frames in a row (200 ms) in which taking the echo estimate out makes the microphone louder, not quieter, before
 * the canceller concludes the echo path changed (the speaker's latency jumped, the laptop moved) and learns anew.
 */
const WORSE_FRAMES_TO_FORGET = 10;
/**
 * From this many frames worse than the microphone (or looking like double talk) on, the canceller looks whether the
 * echo merely moved (the speaker's timeline slipped), by up to MAX_ECHO_SHIFT (100 ms), comparing the frames since
 * things went wrong (at most ECHO_SHIFT_FRAMES) with the echo it expected in them.
 */
const WORSE_FRAMES_TO_LOOK = 3;
const MAX_ECHO_SHIFT = 5 * SAMPLES_PER_FRAME;
const ECHO_SHIFT_FRAMES = 10;
/** How fast the residual echo estimate may rise again (minimum tracking): 3 dB a second. */
const RETURN_RISE_PER_FRAME = 10 ** (3 / 10 / (1000 / FRAME_MS));
/** Frames (300 ms, the suppressor's echo tail) a frame that went out uncancelled makes the echo left count as all. */
const BYPASS_HOLD_FRAMES = 15;
/** Before anything is learnt, echo is assumed 6 dB below the far end (the Geigel assumption). */
const INITIAL_RETURN = 0.25;

export class EchoCanceller {
  private readonly fft = new RealFft(FFT_SIZE);
  private readonly partitions: number;
  /** The far end, lined up with the microphone. */
  private readonly far: AlignedFarEnd;
  private readonly foreground: Spectrum[];
  private readonly background: Spectrum[];
  /** Which partition of the background is made causal again this frame (one per frame, in turn: "AUMDF"). */
  private constrainNext = 0;
  private readonly chooser = new FilterChooser();
  private echoReturn = INITIAL_RETURN;
  private smoothedOut = 0;
  private smoothedFar = 0;
  /** Consecutive frames with far-end sound: the echo ratio means something only once its echo can have arrived. */
  private farActiveRun = 0;
  // Scratch, reused every frame.
  private readonly accumulated: Spectrum;
  private readonly timeScratch = new Float64Array(FFT_SIZE);
  private readonly foregroundEcho = new Float64Array(BLOCK);
  private readonly backgroundEcho = new Float64Array(BLOCK);
  private readonly errorSpectrum: Spectrum;
  private readonly stepScratch: Float64Array;
  private worseFrames = 0;
  /** Consecutive frames with far-end sound that looked like double talk. */
  private doubleTalkRun = 0;
  /** …of which the one before each was mostly echo (see LOST_ECHO_FRAMES). */
  private lostEchoRun = 0;
  /** Frames since the last that was neither worse than nothing nor double talk. */
  private troubleFrames = 0;
  /** Frames until a frame that went out uncancelled no longer counts (see residualEchoGain). */
  private bypassedLately = 0;
  /** How much of each frame sent is coherent with the echo expected in it, to tell echo left behind from a voice. */
  private readonly coherence = new EchoCoherence(BLOCK);
  /** The share of the last frame sent that is echo (see measureEchoShare). */
  private lastEchoShare = 0;
  /** Frames heard and the echo expected in them, to tell a moved echo from a changed one. */
  private readonly shiftFinder = new EchoShiftFinder(MAX_ECHO_SHIFT, ECHO_SHIFT_FRAMES, BLOCK);
  /** Times the canceller found its echo path wrong and learnt it anew (for tests and stats). */
  pathChanges = 0;
  /** Times it found the echo moved, and moved what it had learnt with it (for tests and stats). */
  pathShifts = 0;
  /** Times the canceller started over, its far end out of line with the microphone (for tests and stats). */
  restarts = 0;

  constructor(options: EchoCancellerOptions = {}) {
    this.partitions = Math.max(1, Math.ceil((options.tailMs ?? 400) / FRAME_MS));
    const bins = this.fft.bins;
    const spectra = (): Spectrum[] => Array.from({ length: this.partitions }, () => spectrum(bins));
    this.far = new AlignedFarEnd(this.fft, this.partitions);
    this.foreground = spectra();
    this.background = spectra();
    this.accumulated = spectrum(bins);
    this.errorSpectrum = spectrum(bins);
    this.stepScratch = new Float64Array(bins);
  }

  /** A frame handed to the speaker, silence included: the far end must be one unbroken stream. */
  farEnd(pcm: Int16Array): void {
    this.far.feed(pcm);
  }

  /**
   * The amplitude of the echo left in the output relative to the far end (0–0.5), as measured in the quietest
   * recent moments: what the echo suppressor should expect to hear when only the far end talks. Right after a frame
   * went out uncancelled (see process) it is the worst case again: that echo is all there.
   */
  get residualEchoGain(): number {
    return this.bypassedLately > 0 ? Math.sqrt(INITIAL_RETURN) : this.learntEchoGain;
  }

  /** The echo left relative to the far end as learnt so far (for the stats: residualEchoGain without the bypass). */
  get learntEchoGain(): number {
    return Math.sqrt(this.echoReturn);
  }

  /**
   * The share (0–1) of the last frame sent that is echo left in, not the room's own sound (a voice): see
   * measureEchoShare. 0 while it has no estimate.
   */
  get echoShare(): number {
    return this.lastEchoShare;
  }

  /**
   * Whether the far end the next microphone frame goes with has all been fed. When not, the frame can wait for it
   * (see cancelEcho) or go now, the far end not yet fed counted as silence.
   */
  get ready(): boolean {
    return this.far.ready;
  }

  /** A microphone frame; returns it with the echo estimate taken out (a new array: sources may reuse theirs). */
  process(mic: Int16Array): Int16Array {
    const alignment = this.far.align();
    if (alignment === 'out-of-line') this.restart();
    if (alignment !== 'aligned') {
      this.lastEchoShare = 0;
      return Int16Array.from(mic);
    }
    const farBlockEnergy = energy(this.far.window, FFT_SIZE - BLOCK, FFT_SIZE);
    this.estimate(this.foreground, this.foregroundEcho);
    this.estimate(this.background, this.backgroundEcho);
    let micEnergy = 0;
    let foregroundError = 0;
    let backgroundError = 0;
    let difference = 0;
    const backgroundResidual = this.timeScratch;
    backgroundResidual.fill(0, 0, FFT_SIZE - BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      const d = mic[i]!;
      const ef = d - this.foregroundEcho[i]!;
      const eb = d - this.backgroundEcho[i]!;
      const gap = this.foregroundEcho[i]! - this.backgroundEcho[i]!;
      micEnergy += d * d;
      foregroundError += ef * ef;
      backgroundError += eb * eb;
      difference += gap * gap;
      backgroundResidual[FFT_SIZE - BLOCK + i] = eb;
    }
    this.shiftFinder.record(mic, this.foregroundEcho);
    const farActive = farBlockEnergy > ACTIVE_FRAME_ENERGY;
    if (farActive) this.worseFrames = foregroundError > micEnergy ? this.worseFrames + 1 : 0;
    // The echo this frame may hold at most, from what the far end played over the tail and the echo return.
    const echoExpected = this.echoReturn * Math.max(this.smoothedFar, farBlockEnergy);
    // Well above the echo it leaves: a voice talking over the far end, or echo it no longer cancels (the echo moved).
    const aboveEchoLeft = foregroundError > DOUBLE_TALK_FACTOR * echoExpected;
    // Output above the echo left for 200 ms that is mostly echo (echoShare, of the frames before this) is echo the
    // filter lost, not a voice, and is learnt at the full step: at a tenth, a tone's echo that moved, or drifted
    // slowly, stayed 10 dB under the microphone for seconds.
    if (farActive) this.lostEchoRun = aboveEchoLeft && this.lastEchoShare > MOSTLY_ECHO ? this.lostEchoRun + 1 : 0;
    const doubleTalk = aboveEchoLeft && this.lostEchoRun < LOST_ECHO_FRAMES;
    if (farActive) this.doubleTalkRun = aboveEchoLeft ? this.doubleTalkRun + 1 : 0;
    // Frames since things went wrong: only those show where the echo went (the ones before show where it was).
    this.troubleFrames = this.worseFrames > 0 || this.doubleTalkRun > 0 ? this.troubleFrames + 1 : 0;
    // Worse than nothing for a few frames, or what looks like someone talking over the far end for a few: if the echo
    // merely moved (a slip of a few samples looks like double talk, a longer one makes things worse), the frames since
    // show it, and what was learnt moves with it. (In "double talk" at its third frame and every tenth after: real
    // double talk goes on for seconds, and a look costs ~1.2 ms, three 16k-point FFTs.)
    const talkLook = this.doubleTalkRun >= WORSE_FRAMES_TO_LOOK && (this.doubleTalkRun - WORSE_FRAMES_TO_LOOK) % 10 === 0;
    const look = this.worseFrames >= WORSE_FRAMES_TO_LOOK || talkLook;
    const shift = farActive && look ? this.shiftFinder.find(this.troubleFrames) : undefined;
    if (shift !== undefined || this.worseFrames >= WORSE_FRAMES_TO_FORGET) {
      // This frame goes as heard; how much of it is echo is measured before the estimate moves or goes.
      this.measureEchoShare(mic, micEnergy, micEnergy, this.foregroundEcho);
      if (shift !== undefined) this.moveEchoPath(shift);
      else {
        this.pathChanges += 1;
        this.forgetEchoPath();
      }
      // This frame goes as the microphone heard it: the suppressor after this expects the whole echo for a while.
      if (micEnergy > ACTIVE_FRAME_ENERGY) this.bypassedLately = BYPASS_HOLD_FRAMES;
      return Int16Array.from(mic);
    }
    let useBackground = false;
    if (farActive) {
      this.adaptBackground(backgroundResidual, doubleTalk ? DOUBLE_TALK_STEP : STEP);
      useBackground = !doubleTalk && this.chooseFilters(foregroundError, backgroundError, difference);
    }
    const echo = useBackground ? this.backgroundEcho : this.foregroundEcho;
    let out = new Int16Array(BLOCK);
    let outEnergy = 0;
    for (let i = 0; i < BLOCK; i++) {
      const v = Math.max(-32768, Math.min(32767, Math.round(mic[i]! - echo[i]!)));
      out[i] = v;
      outEnergy += v * v;
    }
    // Taking echo out never makes a frame louder: when the estimate does (a filter still learning, or gone wrong),
    // the microphone goes as it is, and the echo suppressor after this turns it down.
    const bypassed = outEnergy > micEnergy;
    if (bypassed) {
      [out, outEnergy] = [Int16Array.from(mic), micEnergy];
      // Only a frame with sound in it went out with echo (a near-silent one is as quiet either way).
      if (micEnergy > ACTIVE_FRAME_ENERGY) this.bypassedLately = BYPASS_HOLD_FRAMES;
    } else if (this.bypassedLately > 0) this.bypassedLately -= 1;
    this.measureEchoShare(out, outEnergy, micEnergy, echo);
    this.trackEchoReturn(outEnergy, farBlockEnergy, farActive, bypassed);
    return out;
  }

  /**
   * Learns the echo path from nothing, and where the far end lines up with the microphone: the two fell out of line,
   * or a new speaker (opened again after a loss).
   */
  restart(): void {
    this.restarts += 1;
    this.far.reset();
    this.forgetEchoPath();
  }

  /**
   * How much of the frame sent (`sent`, of energy `sentEnergy`) is echo left in, for the suppressor: what is coherent
   * with the estimate (echo-coherence.ts); in the first frames after the output rose, also what the microphone did
   * not hear beyond the echo expected (echoShareOf). Not always both: when the echo is much louder than a voice, the
   * two's cross terms make the energy test read a quiet voice's frames as echo now and then.
   */
  private measureEchoShare(sent: Int16Array, sentEnergy: number, micEnergy: number, echo: Float64Array): void {
    const coherent = this.coherence.measure(sent, echo);
    const sudden = this.doubleTalkRun > 0 && this.doubleTalkRun <= SUDDEN_FRAMES;
    this.lastEchoShare = sudden ? echoShareOf(sentEnergy, micEnergy, energy(echo, 0, BLOCK), coherent) : coherent;
  }

  /** Back to knowing nothing of the echo path: the echo suppressor after this goes back to assuming the worst. */
  private forgetEchoPath(): void {
    zeroSpectra(this.foreground);
    zeroSpectra(this.background);
    this.echoReturn = INITIAL_RETURN;
    this.chooser.reset();
    this.worseFrames = 0;
    this.doubleTalkRun = 0;
    this.lostEchoRun = 0;
    this.shiftFinder.forget();
    this.coherence.reset();
  }

  /** The echo comes `shift` samples later (earlier when negative) than it did: the path learnt moves with it. */
  private moveEchoPath(shift: number): void {
    this.pathShifts += 1;
    shiftFilter(this.foreground, shift, this.fft, BLOCK, PARTITION_TAPS);
    copySpectra(this.foreground, this.background);
    this.chooser.reset();
    this.worseFrames = 0;
    this.doubleTalkRun = 0;
    this.lostEchoRun = 0;
    // What was expected before the move no longer says anything about the path now.
    this.shiftFinder.forget();
    this.coherence.reset();
  }

  /** The echo estimate of `filter` for the current block: the last BLOCK samples of IFFT(Σ W_p · X_p). */
  private estimate(filter: Spectrum[], into: Float64Array): void {
    const { re, im } = this.accumulated;
    const farSpectra = this.far.spectra;
    re.fill(0);
    im.fill(0);
    for (let p = 0; p < this.partitions; p++) {
      const w = filter[p]!;
      const x = farSpectra[p]!;
      for (let k = 0; k < re.length; k++) {
        re[k] = re[k]! + w.re[k]! * x.re[k]! - w.im[k]! * x.im[k]!;
        im[k] = im[k]! + w.re[k]! * x.im[k]! + w.im[k]! * x.re[k]!;
      }
    }
    this.fft.inverse(re, im, this.timeScratch);
    for (let i = 0; i < BLOCK; i++) into[i] = this.timeScratch[FFT_SIZE - BLOCK + i]!;
  }

  /** One normalised LMS step of the background filter on this block's error (`residual`: zeros, then the error). */
  private adaptBackground(residual: Float64Array, stepSize: number): void {
    const e = this.errorSpectrum;
    this.fft.forward(residual, e.re, e.im);
    // The step of each bin, normalised by the far end's power in it, is the same for every partition.
    const step = this.stepScratch;
    // Bins where the far end has next to nothing (30 dB under its mean: a tone's leakage) learn as if it had that much:
    // what the microphone has there is not its echo, and a step normalised by almost nothing would learn it anyway.
    const { power: farPower, spectra: farSpectra } = this.far;
    let mean = 0;
    for (let k = 0; k < step.length; k++) mean += farPower[k]!;
    const floor = Math.max(REGULARISER, (mean / step.length) * QUIET_BIN_FLOOR);
    for (let k = 0; k < step.length; k++) step[k] = stepSize / Math.max(farPower[k]!, floor);
    for (let p = 0; p < this.partitions; p++) {
      const w = this.background[p]!;
      const x = farSpectra[p]!;
      for (let k = 0; k < step.length; k++) {
        // W += μ · conj(X) · E
        w.re[k] = w.re[k]! + step[k]! * (x.re[k]! * e.re[k]! + x.im[k]! * e.im[k]!);
        w.im[k] = w.im[k]! + step[k]! * (x.re[k]! * e.im[k]! - x.im[k]! * e.re[k]!);
      }
    }
    // The unconstrained update lets a partition's impulse response wrap round; cut one back to its taps per frame.
    const w = this.background[this.constrainNext]!;
    this.fft.inverse(w.re, w.im, this.timeScratch);
    this.timeScratch.fill(0, PARTITION_TAPS);
    this.fft.forward(this.timeScratch, w.re, w.im);
    this.constrainNext = (this.constrainNext + 1) % this.partitions;
  }

  /** True when this frame's output should be the background filter's (filter-choice.ts). */
  private chooseFilters(foregroundError: number, backgroundError: number, difference: number): boolean {
    const choice = this.chooser.choose(foregroundError, backgroundError, difference);
    if (choice === 'take-background') copySpectra(this.background, this.foreground);
    if (choice === 'reset-background') copySpectra(this.foreground, this.background);
    return choice === 'take-background';
  }

  /**
   * Minimum tracking of output-to-far-end energy, each smoothed over ~0.5 s, counted only after the far end has
   * sounded for a whole tail (before, its echo may not have arrived yet): double talk only raises the ratio, so its
   * lows are the echo left.
   */
  private trackEchoReturn(outEnergy: number, farEnergy: number, farActive: boolean, sentUncancelled: boolean): void {
    this.smoothedFar += 0.04 * (farEnergy - this.smoothedFar);
    this.farActiveRun = farActive ? this.farActiveRun + 1 : 0;
    // A frame sent uncancelled says nothing of the echo the filter leaves (and the suppressor expects all of it then):
    // counted, a hiccup of the speaker's timeline once a second would hold the echo left it reports 10 dB too high.
    if (sentUncancelled) return;
    this.smoothedOut += 0.04 * (outEnergy - this.smoothedOut);
    let floor = this.echoReturn * RETURN_RISE_PER_FRAME;
    if (this.farActiveRun >= this.partitions) floor = Math.min(floor, this.smoothedOut / this.smoothedFar);
    this.echoReturn = Math.min(INITIAL_RETURN, floor);
  }
}

/**
 * The share of a frame sent (energy `sent`) that is echo rather than a voice, from the microphone's energy (`heard`),
 * the echo estimate's (`expected`) and the share of what was sent that is coherent with the estimate
 * (echo-coherence.ts). What is coherent is echo. And a voice, being unrelated to the echo, makes the microphone
 * louder than the echo by its own energy: a frame sent louder than before while the microphone is not (the echo
 * moved a little, and the estimate cancels less of it) is echo, however little the few frames smoothed show it yet.
 * Used in the first frames of such a rise only (see SUDDEN_FRAMES).
 */
export function echoShareOf(sent: number, heard: number, expected: number, coherentShare: number): number {
  if (sent <= 0) return 0;
  const voice = Math.min(sent * (1 - coherentShare), Math.max(0, heard - expected));
  return 1 - voice / sent;
}

function energy(x: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return sum;
}

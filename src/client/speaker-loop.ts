import type { SpeakerSink } from '../media/audio/device.js';
import { SpeakingDetector } from '../media/audio/level.js';
import type { FrameTiming } from '../media/audio/jitter-buffer.js';
import { AudioPlayout } from '../media/audio/playout.js';
import { FRAME_MS, PLAYBACK_BACKLOG_FRAMES } from '../media/audio/format.js';
import { startPacer, type Pacer, type PacerOptions } from '../util/pacer.js';

/**
 * Missed playout ticks played late after the thread was busy: as many as the speaker's queue holds (200 ms), where
 * they become the cushion against the next such stall; what the pacer skips beyond them stays in the jitter buffers,
 * which shed it in a pause. Only as many as the jitter buffers hold frames for are played (see start()).
 */
export const PLAYOUT_CATCH_UP_TICKS = PLAYBACK_BACKLOG_FRAMES;

/** Options of `SpeakerLoop`. */
export interface SpeakerLoopOptions {
  /** Starts the 20 ms playout schedule; injected by tests. Default `startPacer` from `util/pacer`. */
  pacer?: (periodMs: number, tick: (tickIndex: number, behind: number) => void, opts: PacerOptions) => Pacer;
}

/**
 * The receive side of audio: decoded frames of every remote participant go through per-person jitter buffers and
 * the mixer (AudioPlayout); every 20 ms the mix goes to the speaker. Also the speaking signals the UI shows, for
 * remote people and for yourself. Runs without a speaker too (headless with --speaker none still gets levels).
 */
export class SpeakerLoop {
  private readonly playout: AudioPlayout;
  private readonly selfDetector = new SpeakingDetector();
  private pacer: Pacer | undefined;
  /** Frames handed to the speaker, and when the last was (for the latency benchmark). */
  framesPlayed = 0;
  private readonly speakingListeners: Array<() => void> = [];
  private readonly lostListeners: Array<() => void> = [];
  private readonly backListeners: Array<() => void> = [];
  /** The speaker failed or is gone (SpeakerSink's error or lost): nothing is played until it is back. */
  private lost = false;
  private stopped: Promise<void> | undefined;
  private readonly startPlayoutPacer: NonNullable<SpeakerLoopOptions['pacer']>;

  /** `onNotice` hears that the speaker failed or was lost, and that it plays again. */
  constructor(
    private readonly sink: SpeakerSink | null,
    onNotice: (message: string) => void,
    opts: SpeakerLoopOptions = {},
  ) {
    this.startPlayoutPacer = opts.pacer ?? startPacer;
    this.playout = new AudioPlayout({ now: () => performance.now(), onSpeakingChange: () => this.speakingChanged() });
    // The error says what happened to the device ("the speaker took no sound for 2 s: …"); the notice, the rest.
    sink?.on('error', (err) => this.setLost(() => onNotice(`the speaker does not work (${err.message}) — playing no audio`)));
    sink?.on('lost', (err) => this.setLost(() => onNotice(`speaker lost — call continues without sound, and plays again when it is back (${err.message})`)));
    sink?.on('back', () => {
      if (!this.lost) return;
      this.lost = false;
      onNotice('speaker back: playing the call again');
      for (const listener of this.backListeners) listener();
    });
  }

  private setLost(notify: () => void): void {
    if (this.lost) return;
    this.lost = true;
    notify();
    for (const listener of this.lostListeners) listener();
  }

  /** Whether anything is played at all (false with `--speaker none` or no speaker found). */
  get hasSpeaker(): boolean {
    return this.sink !== null;
  }

  /**
   * Calls `listener` each time the speaker is lost mid-call (at once if it already is): until it is back nothing is
   * played, so there is no echo to cancel or suppress.
   */
  onLost(listener: () => void): void {
    if (this.lost) listener();
    this.lostListeners.push(listener);
  }

  /** Calls `listener` each time the speaker plays again after it was lost (opened again: a new echo path). */
  onBack(listener: () => void): void {
    this.backListeners.push(listener);
  }

  start(): void {
    // Ticks missed while the thread was busy (decoding and drawing video) are played late: the device kept playing
    // meanwhile, and a skipped tick would leave it a gap now and a frame too many later.
    this.pacer ??= this.startPlayoutPacer(FRAME_MS, (_index, behind) => {
      // A tick caught up late with no frame held for anyone would only make up sound: concealment, then silence (what
      // came meanwhile is still in the socket, read after this timer). Up to 200 ms of it went to the speaker, as
      // latency that stayed. Skipped, as the pacer skips beyond the catch-up; the tick due now always plays.
      if (behind > 0 && !this.playout.holdsFrames()) return;
      const mix = this.playout.tick();
      if (this.sink && !this.lost && this.playout.participants().length > 0) {
        this.sink.play(mix);
        this.framesPlayed += 1;
      }
    }, { catchUpTicks: PLAYOUT_CATCH_UP_TICKS });
  }

  /** A decoded remote frame (from IncomingMedia), with its capture time and whether it ends a talk spurt. */
  push(id: number, seq: number, pcm: Int16Array, timing: FrameTiming = {}): void {
    this.playout.push(String(id), seq, pcm, timing);
  }

  /** Your own outgoing audio, for your speaking indicator. */
  pushOwn(pcm: Int16Array): void {
    if (this.selfDetector.update(pcm).changed) this.speakingChanged();
  }

  /**
   * Calls `listener` with each frame the speaker plays, silence included, in its order (the far end of echo control).
   * Never without a speaker: nothing is played, so there is no echo.
   */
  onPlayed(listener: (pcm: Int16Array) => void): void {
    this.sink?.onPlayed(listener);
  }

  /** Calls `listener` whenever someone (you included) starts or stops speaking: the UI redraws borders at once. */
  onSpeakingChange(listener: () => void): void {
    this.speakingListeners.push(listener);
  }

  private speakingChanged(): void {
    for (const listener of this.speakingListeners) listener();
  }

  remove(id: number): void {
    this.playout.remove(String(id));
  }

  isSpeaking(id: number): boolean {
    return this.playout.state(String(id))?.speaking ?? false;
  }

  isSelfSpeaking(): boolean {
    return this.selfDetector.isSpeaking;
  }

  volumeOf(id: number): number {
    return this.playout.mixer.state(String(id)).volume;
  }

  setVolume(id: number, volume: number): void {
    this.playout.mixer.setVolume(String(id), volume);
  }

  jitterDelayMs(id: number): number | undefined {
    return this.playout.state(String(id))?.jitter.delayMs;
  }

  /** Stops playing and closes the speaker; called again, the same promise (the call's end and the CLI both stop it). */
  stop(): Promise<void> {
    this.pacer?.stop();
    this.stopped ??= this.sink?.close() ?? Promise.resolve();
    return this.stopped;
  }
}

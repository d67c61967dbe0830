/**
 * Voice activity transmission (docs/protocol.md §4.3): which captured 20 ms frames a participant sends. Pure.
 *
 * Mumble and Discord send audio only while you talk, by default: silence then costs no packets, no wake-ups of the
 * server and of every receiver, and no bandwidth, and a room does not hear everyone's fan. The decision is the
 * speaking detector's (level above an adaptive noise floor), opened by the first voiced frame and held open for a
 * hangover so the pauses between words stay in.
 *
 * A word's soft onset (the h of "hello", the f of "fine", the th of "thanks": 40–80 ms, 10–20 dB under its vowel)
 * rises above the room before it is loud enough to count as voice, so the first voiced frame comes after it. The gate
 * keeps the last few skipped frames, and the spurt opens with those of them that already rose above the room (never
 * the room's own noise): they are sent first, late by design and marked so (`PREROLL`, docs/protocol.md §4.3).
 */
import { SpeakingDetector, dbfs, type SpeakingDetectorOptions } from './level.js';

/** How a participant transmits audio: only while speaking, every frame, or only while the talk key is held. */
export type TransmitMode = 'voice' | 'continuous' | 'ptt';
export const TRANSMIT_MODES: readonly TransmitMode[] = ['voice', 'continuous', 'ptt'];

/** What to do with one captured frame: send it, send it as the last of a talk spurt, or skip it. */
export type GateDecision = 'send' | 'send-last' | 'skip';

/** Options of `VoiceGate`: the speaking detector's (levels in dBFS; `hangoverFrames` ends a spurt), one frame opens it. */
export type VoiceGateOptions = Omit<SpeakingDetectorOptions, 'attackFrames'> & {
  /** Skipped frames kept for a spurt's onset. Default 4 (80 ms: the longest soft onsets, th and f). */
  onsetFrames?: number;
};

/** A captured frame kept back: its samples (a copy) and capture time. */
export interface HeldFrame {
  pcm: Int16Array;
  captureTs: number;
}

/** Decides frame by frame what goes out: VoiceGate or PushToTalkGate. */
export interface TransmitGate {
  /** True while a talk spurt is open (the last decision sent). */
  readonly open: boolean;
  decide(pcm: Int16Array): GateDecision;
}

export class VoiceGate implements TransmitGate {
  private readonly detector: SpeakingDetector;
  private readonly onsetFrames: number;
  /** The last skipped frames, each with whether it was only the room: a ring whose buffers are reused (50 a second). */
  private readonly held: Array<HeldFrame & { quiet: boolean }> = [];
  private heldStart = 0;
  private heldCount = 0;
  private onset: HeldFrame[] = [];

  constructor(options: VoiceGateOptions = {}) {
    const { onsetFrames = 4, ...detector } = options;
    // One voiced frame opens the gate: a frame sent late is worse than a click sent.
    this.detector = new SpeakingDetector({ ...detector, attackFrames: 1 });
    this.onsetFrames = onsetFrames;
  }

  /** True while a talk spurt is open (the last decision sent). */
  get open(): boolean {
    return this.detector.isSpeaking;
  }

  /** Decides about the next captured frame (`captureTs` is kept with a skipped frame, for its onset). */
  decide(pcm: Int16Array, captureTs = 0): GateDecision {
    const levelDb = dbfs(pcm);
    // Judged against the room as it was before this frame.
    const quiet = this.detector.isQuietLevel(levelDb);
    const { speaking, changed } = this.detector.updateLevel(levelDb);
    if (speaking) {
      if (changed) this.onset = this.takeOnset();
      return 'send';
    }
    // The frame that closes the spurt goes too, marked, so receivers know the gap after it is silence.
    if (changed) return 'send-last';
    if (this.onsetFrames > 0) this.hold(pcm, captureTs, quiet);
    return 'skip';
  }

  /**
   * After the decision that opened a spurt: the frames before it that belong to its onset (the run of skipped frames
   * just before it that rose above the room), oldest first, to send before it. Empty at any other time.
   */
  takeHeldOnset(): HeldFrame[] {
    const onset = this.onset;
    this.onset = [];
    return onset;
  }

  /** Keeps a copy of a skipped frame (the source may reuse `pcm`), in place of the oldest once the ring is full. */
  private hold(pcm: Int16Array, captureTs: number, quiet: boolean): void {
    const capacity = this.onsetFrames;
    const index = (this.heldStart + this.heldCount) % capacity;
    if (this.heldCount === capacity) this.heldStart = (this.heldStart + 1) % capacity;
    else this.heldCount++;
    let slot = this.held[index];
    if (!slot || slot.pcm.length !== pcm.length) slot = this.held[index] = { pcm: new Int16Array(pcm.length), captureTs, quiet };
    slot.pcm.set(pcm);
    slot.captureTs = captureTs;
    slot.quiet = quiet;
  }

  /** Copies of the held frames after the last quiet one, oldest first; the ring is emptied. */
  private takeOnset(): HeldFrame[] {
    const onset: HeldFrame[] = [];
    for (let k = this.heldCount - 1; k >= 0; k--) {
      const slot = this.held[(this.heldStart + k) % this.onsetFrames]!;
      if (slot.quiet) break;
      onset.unshift({ pcm: slot.pcm.slice(), captureTs: slot.captureTs });
    }
    this.heldStart = 0;
    this.heldCount = 0;
    return onset;
  }
}

/**
 * Push-to-talk (`--transmit ptt`, as Mumble and Discord offer it): frames go while the talk key is held; the frame
 * after it is let go goes too, marked as the last of the spurt, so receivers go quiet at once. Pure: the caller says
 * when the key is held (the call screen learns it from the key's repeats, tui/key-hold.ts).
 */
export class PushToTalkGate implements TransmitGate {
  /** The talk key is held. */
  held = false;
  private sending = false;

  /** True while frames are going out. */
  get open(): boolean {
    return this.sending;
  }

  decide(): GateDecision {
    if (this.held) {
      this.sending = true;
      return 'send';
    }
    if (!this.sending) return 'skip';
    this.sending = false;
    return 'send-last';
  }
}

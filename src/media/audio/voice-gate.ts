/**
 * Voice activity transmission (docs/protocol.md §4.3): which captured 20 ms frames a participant sends. Pure.
 *
 * Mumble and Discord send audio only while you talk, by default: silence then costs no packets, no wake-ups of the
 * server and of every receiver, and no bandwidth, and a room does not hear everyone's fan. The decision is the
 * speaking detector's (level above an adaptive noise floor), opened by the first voiced frame so a word's onset is not
 * clipped, and held open for a hangover so the pauses between words stay in.
 */
import { SpeakingDetector, type SpeakingDetectorOptions } from './level.js';

/** How a participant transmits audio: only while speaking, every frame, or only while the talk key is held. */
export type TransmitMode = 'voice' | 'continuous' | 'ptt';
export const TRANSMIT_MODES: readonly TransmitMode[] = ['voice', 'continuous', 'ptt'];

/** What to do with one captured frame: send it, send it as the last of a talk spurt, or skip it. */
export type GateDecision = 'send' | 'send-last' | 'skip';

/** Options of `VoiceGate`: the speaking detector's (levels in dBFS; `hangoverFrames` ends a spurt), one frame opens it. */
export type VoiceGateOptions = Omit<SpeakingDetectorOptions, 'attackFrames'>;

/** Decides frame by frame what goes out: VoiceGate or PushToTalkGate. */
export interface TransmitGate {
  /** True while a talk spurt is open (the last decision sent). */
  readonly open: boolean;
  decide(pcm: Int16Array): GateDecision;
}

export class VoiceGate implements TransmitGate {
  private readonly detector: SpeakingDetector;

  constructor(options: VoiceGateOptions = {}) {
    // One voiced frame opens the gate: a frame sent late is worse than a click sent.
    this.detector = new SpeakingDetector({ ...options, attackFrames: 1 });
  }

  /** True while a talk spurt is open (the last decision sent). */
  get open(): boolean {
    return this.detector.isSpeaking;
  }

  /** Decides about the next captured frame. */
  decide(pcm: Int16Array): GateDecision {
    const { speaking, changed } = this.detector.update(pcm);
    if (speaking) return 'send';
    // The frame that closes the spurt goes too, marked, so receivers know the gap after it is silence.
    return changed ? 'send-last' : 'skip';
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

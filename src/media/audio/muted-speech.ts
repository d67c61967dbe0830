/**
 * "You are muted": noticing that someone talks into a muted microphone, as Zoom, Meet and Teams do — the most common
 * mistake in a call is a sentence nobody heard. Pure: frames and the clock in, a yes when to remind.
 *
 * Speech must last half a second (a cough or a word to someone in the room does not count), and the reminder comes at
 * most every 20 s while you stay muted, so it helps without nagging. The frames it hears are the microphone's after echo
 * suppression, so the others' voices coming back from a loudspeaker do not set it off.
 */
import { SpeakingDetector } from './level.js';
import { FRAME_MS } from './format.js';

export interface MutedSpeechOptions {
  /** How long speech must go on before the reminder. Default 500 ms. */
  speechMs?: number;
  /** Least time between two reminders. Default 20 s. */
  intervalMs?: number;
}

export class MutedSpeechReminder {
  private detector = newDetector();
  private readonly speechFrames: number;
  private readonly intervalMs: number;
  private spokenFrames = 0;
  private lastReminderAt = Number.NEGATIVE_INFINITY;

  constructor(options: MutedSpeechOptions = {}) {
    this.speechFrames = Math.max(1, Math.round((options.speechMs ?? 500) / FRAME_MS));
    this.intervalMs = options.intervalMs ?? 20_000;
  }

  /** A frame the microphone captured while muted; true when the reminder is due now. */
  onMutedFrame(pcm: Int16Array, nowMs: number): boolean {
    const speaking = this.detector.update(pcm).speaking;
    this.spokenFrames = speaking ? this.spokenFrames + 1 : 0;
    if (this.spokenFrames !== this.speechFrames || nowMs - this.lastReminderAt < this.intervalMs) return false;
    this.lastReminderAt = nowMs;
    return true;
  }

  /** Unmuted: the next time you are muted starts afresh. */
  reset(): void {
    this.detector = newDetector();
    this.spokenFrames = 0;
    this.lastReminderAt = Number.NEGATIVE_INFINITY;
  }
}

/** Gaps between syllables (≤ 100 ms) keep speech going; the UI's 400 ms hangover would count a word's tail as speech. */
function newDetector(): SpeakingDetector {
  return new SpeakingDetector({ hangoverFrames: 5 });
}

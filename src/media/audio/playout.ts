/**
 * The receive side of call audio in one place (SPEC §4): a jitter buffer, concealment, a speaking detector per
 * remote participant, and the mixer. Pure: the caller pushes decoded frames as they arrive and calls `tick()` once
 * per 20 ms playout period (a `startPacer` loop), handing the result to the speaker.
 *
 * Frames are decoded before they get here (in arrival order, which on one TCP stream is send order), so a gap is
 * concealed on the decoded audio (concealment.ts) rather than by the decoder's PLC.
 */
import { Concealer } from './concealment.js';
import { SILENT_FRAME } from './format.js';
import { JitterBuffer, type FrameTiming, type JitterBufferOptions, type JitterStats } from './jitter-buffer.js';
import { AudioMixer, type AudioMixerOptions } from './mixer.js';
import { SpeakingDetector, type SpeakingDetectorOptions } from './level.js';

/** Options of `AudioPlayout`. */
export interface AudioPlayoutOptions {
  /** Monotonic clock for the jitter buffers. Required (inject `performance.now` in production). */
  now: () => number;
  jitter?: Omit<JitterBufferOptions, 'now'>;
  mixer?: AudioMixerOptions;
  speaking?: SpeakingDetectorOptions;
  /** Called when a participant starts or stops speaking (for the UI). */
  onSpeakingChange?: (id: string, speaking: boolean) => void;
}

/** Per-participant state for the UI and `stats` events. */
export interface ParticipantAudioState {
  speaking: boolean;
  /** Level meter 0–1 of what was last played for this participant. */
  meter: number;
  jitter: JitterStats;
}

interface Remote {
  buffer: JitterBuffer<Int16Array>;
  speaking: SpeakingDetector;
  concealer: Concealer;
  meter: number;
}

/** Jitter buffers + concealment + speaking detection + mixing for all remote participants. */
export class AudioPlayout {
  private readonly remotes = new Map<string, Remote>();
  /** Participants who left while sounding: their sound fades out over the next tick instead of stopping dead. */
  private readonly leaving = new Map<string, Remote>();
  /** Volume and mute per participant, and the limiter. */
  readonly mixer: AudioMixer;

  constructor(private readonly o: AudioPlayoutOptions) {
    this.mixer = new AudioMixer(o.mixer);
  }

  /** A decoded frame of participant `id` with its wire sequence number (and capture time, spurt end: FrameTiming). */
  push(id: string, seq: number, pcm: Int16Array, timing: FrameTiming = {}): void {
    this.remote(id).buffer.push(seq, pcm, undefined, timing);
  }

  /**
   * Forgets a participant (left the call, or our link dropped). Someone who leaves mid-word would end in a click
   * (a step from full level to nothing), so their next frame, or a made-up one, is played fading to silence first.
   */
  remove(id: string): void {
    const r = this.remotes.get(id);
    this.remotes.delete(id);
    if (r?.concealer.sounding) this.leaving.set(id, r);
    else this.mixer.remove(id);
  }

  /** One playout period: pulls every participant's next frame (or concealment) and returns the mix. */
  tick(): Int16Array {
    const frames: Array<[string, Int16Array]> = [];
    for (const [id, r] of this.remotes) {
      const pull = r.buffer.pull();
      let pcm: Int16Array | undefined;
      if (pull.type === 'frame') pcm = r.concealer.played(pull.payload);
      else if (pull.type === 'conceal') pcm = r.concealer.conceal();
      else r.concealer.idle();
      const update = r.speaking.update(pcm ?? SILENT_FRAME);
      r.meter = update.meter;
      if (update.changed) this.o.onSpeakingChange?.(id, update.speaking);
      if (pcm) frames.push([id, pcm]);
    }
    for (const [id, r] of this.leaving) {
      const pull = r.buffer.pull();
      frames.push([id, r.concealer.fadeOut(pull.type === 'frame' ? pull.payload : undefined)]);
    }
    const mix = this.mixer.mix(frames);
    // Back under the same id already: their volume setting stays.
    for (const id of this.leaving.keys()) if (!this.remotes.has(id)) this.mixer.remove(id);
    this.leaving.clear();
    return mix;
  }

  /** Speaking, meter and jitter stats of a participant, or undefined if never heard. */
  state(id: string): ParticipantAudioState | undefined {
    const r = this.remotes.get(id);
    if (!r) return undefined;
    return { speaking: r.speaking.isSpeaking, meter: r.meter, jitter: r.buffer.stats() };
  }

  /** Whether any participant's jitter buffer holds a frame: a tick now would play something heard, not only made up. */
  holdsFrames(): boolean {
    for (const r of this.remotes.values()) if (r.buffer.held > 0) return true;
    return false;
  }

  /** Ids of the participants heard so far. */
  participants(): string[] {
    return [...this.remotes.keys()];
  }

  private remote(id: string): Remote {
    let r = this.remotes.get(id);
    if (!r) {
      const speaking = new SpeakingDetector(this.o.speaking);
      r = {
        // A delay that eased is shed in the pauses between words, as the speaking detector hears them.
        buffer: new JitterBuffer<Int16Array>({ isQuiet: (pcm) => speaking.isQuiet(pcm), ...this.o.jitter, now: this.o.now }),
        speaking,
        concealer: new Concealer(),
        meter: 0,
      };
      this.remotes.set(id, r);
    }
    return r;
  }
}


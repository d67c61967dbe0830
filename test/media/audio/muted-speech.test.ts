import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MutedSpeechReminder } from '../../../src/media/audio/muted-speech.js';
import { parseWav } from '../../../src/media/audio/wav.js';

/** A voice-loud frame (a square wave at about −16 dBFS) and digital silence. */
const voice = new Int16Array(960).map((_, i) => (i % 48 < 24 ? 6000 : -6000));
const silence = new Int16Array(960);

/** Feeds `frames` frames of `pcm` from `startMs`; returns the times (ms) at which the reminder was due. */
function feed(reminder: MutedSpeechReminder, pcm: Int16Array, frames: number, startMs: number): number[] {
  const due: number[] = [];
  for (let i = 0; i < frames; i++) if (reminder.onMutedFrame(pcm, startMs + i * 20)) due.push(startMs + i * 20);
  return due;
}

describe('MutedSpeechReminder', () => {
  it('reminds once half a second of speech went into a muted microphone', () => {
    const reminder = new MutedSpeechReminder();
    expect(feed(reminder, silence, 50, 0)).toEqual([]);
    const due = feed(reminder, voice, 100, 1_000);
    expect(due).toHaveLength(1);
    // Speaking starts after the detector's 2-frame attack; 25 frames (500 ms) of it later, the reminder.
    expect(due[0]).toBeGreaterThanOrEqual(1_000 + 500);
    expect(due[0]).toBeLessThan(1_000 + 600);
  });

  it('hears real speech, pauses between words and all (fixtures/speech.wav, 2.9 s)', () => {
    const speech = parseWav(readFileSync('fixtures/speech.wav')).samples;
    const reminder = new MutedSpeechReminder();
    const due: number[] = [];
    for (let i = 0; i + 960 <= speech.length; i += 960) if (reminder.onMutedFrame(speech.subarray(i, i + 960), i / 48)) due.push(i / 48);
    expect(due).toHaveLength(1);
    expect(due[0]).toBeLessThan(1_000);
  });

  it('does not count a cough or a short word', () => {
    const reminder = new MutedSpeechReminder();
    let t = 0;
    for (let i = 0; i < 10; i++) {
      expect(feed(reminder, voice, 10, t)).toEqual([]);
      t += 200;
      expect(feed(reminder, silence, 40, t)).toEqual([]);
      t += 800;
    }
  });

  it('reminds at most every 20 s while you stay muted, and afresh after you unmuted', () => {
    const reminder = new MutedSpeechReminder();
    expect(feed(reminder, voice, 50, 0)).toHaveLength(1);
    expect(feed(reminder, silence, 50, 1_000)).toEqual([]);
    expect(feed(reminder, voice, 50, 2_000)).toEqual([]);
    expect(feed(reminder, silence, 50, 3_000)).toEqual([]);
    expect(feed(reminder, voice, 50, 25_000)).toHaveLength(1);
    reminder.reset();
    expect(feed(reminder, voice, 50, 26_000)).toHaveLength(1);
  });
});

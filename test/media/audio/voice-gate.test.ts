import { describe, expect, test } from 'vitest';
import { SAMPLES_PER_FRAME } from '../../../src/media/audio/format.js';
import { PushToTalkGate, VoiceGate, type GateDecision } from '../../../src/media/audio/voice-gate.js';
import { rng } from '../../helpers/rng.js';

/** A 20 ms frame of a sine at `dbfs` (RMS; a sine's peak is 3 dB above). */
function sine(dbfs: number, hz = 300): Int16Array {
  const peak = Math.SQRT2 * 32768 * 10 ** (dbfs / 20);
  return Int16Array.from({ length: SAMPLES_PER_FRAME }, (_, i) => Math.round(peak * Math.sin((2 * Math.PI * hz * i) / 48_000)));
}

/** A 20 ms frame of white noise at about `dbfs` RMS. */
function noise(dbfs: number, random: () => number): Int16Array {
  const amplitude = Math.sqrt(3) * 32768 * 10 ** (dbfs / 20);
  return Int16Array.from({ length: SAMPLES_PER_FRAME }, () => Math.round(amplitude * (2 * random() - 1)));
}

const SILENCE = new Int16Array(SAMPLES_PER_FRAME);

function run(gate: VoiceGate, frames: Int16Array[]): GateDecision[] {
  return frames.map((f) => gate.decide(f));
}

describe('VoiceGate', () => {
  test('sends nothing of silence', () => {
    expect(new Set(run(new VoiceGate(), Array(50).fill(SILENCE)))).toEqual(new Set(['skip']));
  });

  test('opens on the first voiced frame, holds 400 ms over the pause, and marks the frame that closes the spurt', () => {
    const gate = new VoiceGate();
    const decisions = run(gate, [...Array(10).fill(SILENCE), ...Array(5).fill(sine(-20)), ...Array(30).fill(SILENCE)]);
    expect(decisions.slice(0, 10)).toEqual(Array(10).fill('skip'));
    // The first word is sent from its first frame: nothing clipped.
    expect(decisions.slice(10, 15)).toEqual(Array(5).fill('send'));
    // 19 quiet frames still go (the pause between words), the 20th closes the spurt, then nothing.
    expect(decisions.slice(15, 34)).toEqual(Array(19).fill('send'));
    expect(decisions[34]).toBe('send-last');
    expect(decisions.slice(35)).toEqual(Array(10).fill('skip'));
    expect(gate.open).toBe(false);
  });

  test('a pause shorter than the hangover keeps one spurt', () => {
    const talk = Array(10).fill(sine(-25));
    const decisions = run(new VoiceGate(), [...talk, ...Array(15).fill(SILENCE), ...talk]);
    expect(decisions).not.toContain('send-last');
    expect(decisions.every((d) => d === 'send')).toBe(true);
  });

  test('a room with a fan (noise at −62 and at −50 dBFS) is not sent, a voice over it is', () => {
    const random = rng(7);
    const gate = new VoiceGate();
    const room = run(gate, Array.from({ length: 100 }, () => noise(-62, random)));
    expect(room.filter((d) => d !== 'skip')).toEqual([]);
    const louderRoom = run(new VoiceGate(), Array.from({ length: 100 }, () => noise(-50, random)));
    expect(louderRoom.filter((d) => d !== 'skip')).toEqual([]);
    const voice = run(gate, Array.from({ length: 5 }, () => sine(-30)));
    expect(voice).toEqual(Array(5).fill('send'));
  });

  test('a steady loud source (a tone) is sent without a break', () => {
    expect(new Set(run(new VoiceGate(), Array(200).fill(sine(-12))))).toEqual(new Set(['send']));
  });
});

describe('VoiceGate: a word\'s soft onset', () => {
  /** Feeds frames captured 20 ms apart; returns the decisions, and where an onset was handed out (capture times). */
  function speak(gate: VoiceGate, frames: Int16Array[]) {
    const openings: Array<{ at: number; onset: number[] }> = [];
    const decisions = frames.map((frame, i) => {
      const decision = gate.decide(frame, i * 20);
      const onset = gate.takeHeldOnset();
      if (onset.length > 0) openings.push({ at: i, onset: onset.map((f) => f.captureTs) });
      return decision;
    });
    return { decisions, openings };
  }

  test('the frames just before the first voiced one that rose above the room open the spurt with it, the room never', () => {
    const random = rng(5);
    const room = (): Int16Array => noise(-66, random);
    // "thanks": 60 ms of a soft th (−50 dBFS: above the room, under what counts as voice), then the vowel.
    const gate = new VoiceGate();
    const { decisions, openings } = speak(gate, [...Array.from({ length: 30 }, room), sine(-50), sine(-49), sine(-48), sine(-25), sine(-25)]);
    expect(decisions.slice(30, 33)).toEqual(['skip', 'skip', 'skip']);
    expect(decisions[33]).toBe('send');
    expect(openings).toEqual([{ at: 33, onset: [600, 620, 640] }]);
    // Handed out once.
    expect(gate.takeHeldOnset()).toEqual([]);
  });

  test('an onset longer than the frames kept (80 ms) keeps its end; a clean start (a plosive) has none', () => {
    const random = rng(6);
    const room = (): Int16Array => noise(-66, random);
    const long = speak(new VoiceGate(), [...Array.from({ length: 30 }, room), ...Array(6).fill(sine(-50)), sine(-25)]);
    expect(long.openings).toEqual([{ at: 36, onset: [640, 660, 680, 700] }]);
    const clean = new VoiceGate();
    for (let i = 0; i < 30; i++) clean.decide(room(), i * 20);
    expect(clean.decide(sine(-25), 600)).toBe('send');
    expect(clean.takeHeldOnset()).toEqual([]);
  });

  test('the held frames are copies: a source that reuses its buffer does not change them', () => {
    const gate = new VoiceGate();
    const buffer = new Int16Array(SAMPLES_PER_FRAME);
    for (let i = 0; i < 30; i++) gate.decide(SILENCE, i * 20);
    buffer.set(sine(-50));
    gate.decide(buffer, 600);
    const expected = buffer.slice();
    buffer.set(sine(-25));
    gate.decide(buffer, 620);
    const [held] = gate.takeHeldOnset();
    expect(held!.pcm).toEqual(expected);
  });
});

describe('PushToTalkGate', () => {
  test('sends while the key is held, marks the frame after it is let go as the last, then sends nothing', () => {
    const gate = new PushToTalkGate();
    const decisions: GateDecision[] = [];
    decisions.push(gate.decide());
    gate.held = true;
    decisions.push(gate.decide(), gate.decide());
    expect(gate.open).toBe(true);
    gate.held = false;
    decisions.push(gate.decide(), gate.decide());
    expect(decisions).toEqual(['skip', 'send', 'send', 'send-last', 'skip']);
    expect(gate.open).toBe(false);
  });
});

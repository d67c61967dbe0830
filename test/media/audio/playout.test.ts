import { expect, test } from 'vitest';
import { SAMPLES_PER_FRAME } from '../../../src/media/audio/format.js';
import { AudioPlayout } from '../../../src/media/audio/playout.js';
import { ToneGenerator } from '../../../src/media/audio/tone.js';
import { peak } from './helpers.js';

test('two talkers: buffered ~60 ms, mixed, speaking reported, a lost frame concealed, stats per person', () => {
  let now = 0;
  const changes: Array<[string, boolean]> = [];
  const p = new AudioPlayout({ now: () => now, onSpeakingChange: (id, s) => changes.push([id, s]) });
  const a = new ToneGenerator(300, 0.3);
  const outputs: Int16Array[] = [];
  for (let k = 0; k < 100; k++) {
    now = k * 20;
    p.push('a', k, a.next());
    if (k !== 50) p.push('b', k, new Int16Array(SAMPLES_PER_FRAME).fill(k >= 40 ? 0 : 1000));
    now += 7;
    outputs.push(p.tick());
  }
  // nothing until the initial delay has been buffered, then sound
  expect(peak(outputs[0]!)).toBe(0);
  expect(peak(outputs[5]!)).toBeGreaterThan(9000);
  expect(changes).toContainEqual(['a', true]);
  expect(changes).toContainEqual(['b', true]);
  expect(changes).toContainEqual(['b', false]); // b went quiet at frame 40
  expect(p.state('a')!.speaking).toBe(true);
  expect(p.state('b')!.jitter.lost).toBe(1);
  expect(p.state('b')!.jitter.concealed).toBeGreaterThanOrEqual(1);
  expect(p.participants().sort()).toEqual(['a', 'b']);
  p.mixer.setMuted('a', true);
  // Muted: a fades out over one frame, then is silent.
  for (const seq of [100, 101]) {
    now += 20;
    p.push('a', seq, a.next());
    p.push('b', seq, new Int16Array(SAMPLES_PER_FRAME));
  }
  const fading = p.tick();
  expect(Math.abs(fading.at(-1)!)).toBeLessThan(100);
  expect(peak(p.tick())).toBe(0);
  p.remove('a');
  expect(p.state('a')).toBeUndefined();
});

test('a delay that eased is shed in a pause between words, not from a word', () => {
  let now = 0;
  const p = new AudioPlayout({ now: () => now });
  const voice = new ToneGenerator(300, 0.3);
  // Words of eight frames (160 ms) and pauses of two, arriving steadily: the buffer starts at its initial 60 ms and
  // sheds a frame once it has measured that 40 ms will do.
  const isWord = (k: number): boolean => k % 10 < 8;
  let wordsPlayed = 0;
  for (let k = 0; k < 210; k++) {
    now = k * 20;
    if (k < 200) p.push('a', k, isWord(k) ? voice.next() : new Int16Array(SAMPLES_PER_FRAME).fill(3));
    now += 7;
    if (peak(p.tick()) > 5000) wordsPlayed++;
  }
  expect(p.state('a')!.jitter.dropped).toBe(1);
  expect(wordsPlayed).toBe(160);
});

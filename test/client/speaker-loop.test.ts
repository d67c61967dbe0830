import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { SpeakerLoop } from '../../src/client/speaker-loop.js';
import type { SpeakerSink } from '../../src/media/audio/device.js';
import { AudioDeviceLostError } from '../../src/media/audio/errors.js';
import { ticksDue, type Pacer, type PacerOptions } from '../../src/util/pacer.js';

const FRAME = 960;
const tone = (amplitude: number): Int16Array =>
  Int16Array.from({ length: FRAME }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 48_000)));

describe('SpeakerLoop speaking signal', () => {
  it('tells listeners when you start and stop speaking, once per change', () => {
    const loop = new SpeakerLoop(null, () => {});
    const seen: boolean[] = [];
    loop.onSpeakingChange(() => seen.push(loop.isSelfSpeaking()));
    for (let i = 0; i < 5; i++) loop.pushOwn(tone(8000));
    expect(seen).toEqual([true]);
    for (let i = 0; i < 40; i++) loop.pushOwn(new Int16Array(FRAME));
    expect(seen).toEqual([true, false]);
  });

  it('tells listeners when a remote participant starts speaking, as the playout plays them', async () => {
    const loop = new SpeakerLoop(null, () => {});
    const changed = new Promise<void>((resolve) => loop.onSpeakingChange(resolve));
    for (let seq = 0; seq < 50; seq++) loop.push(7, seq, tone(8000));
    expect(loop.isSpeaking(7)).toBe(false);
    loop.start();
    try {
      await changed;
      expect(loop.isSpeaking(7)).toBe(true);
    } finally {
      await loop.stop();
    }
  });
});

/** Counts what the loop hands the speaker: a device's own timing would blur what the loop's timing is tested for. */
class CountingSink extends EventEmitter implements SpeakerSink {
  readonly description = 'counting sink';
  played = 0;
  play(): void {
    this.played += 1;
  }
  onPlayed(): void {}
  async close(): Promise<void> {}
}

/**
 * A pacer whose clock moves by hand: `wakeAfter(n)` is its timer firing once `n` periods have passed since the start,
 * and it fires the ticks the real one would then (the same `ticksDue`, with the options the loop asked for).
 */
function manualPacer(): {
  pacer: (periodMs: number, tick: (tickIndex: number, behind: number) => void, opts: PacerOptions) => Pacer;
  wakeAfter: (elapsedTicks: number) => void;
} {
  let fire: ((tickIndex: number, behind: number) => void) | undefined;
  let catchUpTicks = 0;
  let nextIndex = 0;
  return {
    pacer: (_periodMs, tick, opts) => {
      fire = tick;
      catchUpTicks = opts.catchUpTicks ?? 0;
      return { stop: () => (fire = undefined) };
    },
    wakeAfter: (elapsedTicks) => {
      const { first, last } = ticksDue(nextIndex, elapsedTicks, catchUpTicks);
      for (let index = first; index <= last; index++) fire?.(index, last - index);
      nextIndex = last + 1;
    },
  };
}

describe('SpeakerLoop timing', () => {
  it('plays the ticks it missed while the thread was busy, so the speaker gets a frame per 20 ms all the same', async () => {
    const sink = new CountingSink();
    const manual = manualPacer();
    const loop = new SpeakerLoop(sink, () => {}, { pacer: manual.pacer });
    // The other side's frames, read as they come: three frames ahead of the tick (the jitter buffer's 60 ms).
    let sent = 0;
    const arrive = (through: number): void => {
      for (; sent <= through; sent++) loop.push(7, sent, tone(8000));
    };
    loop.start();
    try {
      // Ticks 0–2 on time; then twice the thread busy for 65 ms (video decoded and drawn on a slow machine): when the
      // timer wakes it owes ticks 3–5, and later 8–10.
      for (const elapsed of [0, 1, 2, 5, 6, 7, 10]) {
        arrive(elapsed + 3);
        manual.wakeAfter(elapsed);
      }
      // A frame for each of the 11 ticks; skipping the missed ones would have played 7.
      expect(sink.played).toBe(11);
    } finally {
      await loop.stop();
    }
  });

  it('catches up only the ticks it holds frames for: after a long stall it makes up no sound to queue as latency', async () => {
    const sink = new CountingSink();
    const manual = manualPacer();
    const loop = new SpeakerLoop(sink, () => {}, { pacer: manual.pacer });
    // Three frames held (the jitter buffer's usual 60 ms) when the thread stalls for 300 ms (a GC, a suspend): what
    // the other side sent meanwhile is still in the socket when the timer wakes, read only after it.
    for (let seq = 0; seq < 3; seq++) loop.push(7, seq, tone(8000));
    loop.start();
    try {
      manual.wakeAfter(0);
      manual.wakeAfter(15);
      // Two ticks for the two frames held, and the one due now. Before: all 10 caught up, 2 frames of the voice and 8 of
      // concealment and silence, which then waited in the speaker's queue ahead of the voice: 160 ms more latency.
      expect(sink.played).toBe(4);
      // What came meanwhile plays on from where it was.
      for (let seq = 3; seq < 20; seq++) loop.push(7, seq, tone(8000));
      manual.wakeAfter(16);
      expect(sink.played).toBe(5);
      expect(loop.isSpeaking(7)).toBe(true);
    } finally {
      await loop.stop();
    }
  });
});

describe('SpeakerLoop when the speaker is lost', () => {
  it('a speaker that never worked: says so once, in one sentence, tells the echo control, and plays nothing more', async () => {
    const sink = new CountingSink();
    const notices: string[] = [];
    const loop = new SpeakerLoop(sink, (message) => notices.push(message));
    let lost = 0;
    loop.onLost(() => (lost += 1));
    for (let seq = 0; seq < 100; seq++) loop.push(7, seq, tone(8000));
    loop.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sink.played).toBeGreaterThan(0);
      // What the device side reports (device.ts): which device, and what happened to it.
      sink.emit('error', new AudioDeviceLostError("the speaker's process exited: SIGKILL"));
      sink.emit('error', new AudioDeviceLostError('the speaker took no sound for 1 s: unplugged, or its sound server stopped'));
      expect(notices).toEqual(["the speaker does not work (the speaker's process exited: SIGKILL) — playing no audio"]);
      expect(lost).toBe(1);
      // A listener that comes later hears it at once.
      loop.onLost(() => (lost += 1));
      expect(lost).toBe(2);
      const played = sink.played;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sink.played).toBe(played);
    } finally {
      await loop.stop();
    }
  });

  it('a speaker lost mid-call and back: one notice each, echo control told both, and it plays again', async () => {
    const sink = new CountingSink();
    const notices: string[] = [];
    const loop = new SpeakerLoop(sink, (message) => notices.push(message));
    const echoControl: string[] = [];
    loop.onLost(() => echoControl.push('gone'));
    loop.onBack(() => echoControl.push('back'));
    for (let seq = 0; seq < 100; seq++) loop.push(7, seq, tone(8000));
    loop.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 60));
      sink.emit('lost', new AudioDeviceLostError('the speaker took no sound for 2 s: unplugged, or its sound server stopped'));
      const played = sink.played;
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(sink.played).toBe(played);
      sink.emit('back');
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(sink.played).toBeGreaterThan(played);
      expect(notices).toEqual([
        'speaker lost — call continues without sound, and plays again when it is back (the speaker took no sound for 2 s: unplugged, or its sound server stopped)',
        'speaker back: playing the call again',
      ]);
      expect(echoControl).toEqual(['gone', 'back']);
    } finally {
      await loop.stop();
    }
  });
});

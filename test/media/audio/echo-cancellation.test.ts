import { describe, expect, it } from 'vitest';
import { EchoCanceller } from '../../../src/media/audio/echo-canceller.js';
import { cancelEcho } from '../../../src/media/audio/echo-cancellation.js';
import { SAMPLES_PER_FRAME, type AudioSource } from '../../../src/media/audio/format.js';

/** A microphone driven by hand: `emit` hands the source's consumer one frame (a constant, its number). */
function manualMic(): { mic: AudioSource; emit: (n: number) => void } {
  let onFrame: ((pcm: Int16Array, ts: number) => void) | undefined;
  return {
    mic: { description: 'test mic', start: (deliver) => void (onFrame = deliver), stop: async () => {} },
    emit: (n) => onFrame?.(new Int16Array(SAMPLES_PER_FRAME).fill(n), n),
  };
}

const silence = (): Int16Array => new Int16Array(SAMPLES_PER_FRAME);

/**
 * A cancellation past its first half second, the far end two frames ahead of the microphone all along (D is fixed a
 * frame below that): `sent` holds the numbers of the frames it has sent, 1 to 25 so far.
 */
function anchored(): { cancellation: ReturnType<typeof cancelEcho>; emit: (n: number) => void; sent: number[] } {
  const { mic, emit } = manualMic();
  const cancellation = cancelEcho(mic, new EchoCanceller());
  const sent: number[] = [];
  cancellation.source.start((_pcm, ts) => sent.push(ts), () => {});
  cancellation.farEnd(silence());
  cancellation.farEnd(silence());
  for (let k = 1; k <= 25; k++) {
    cancellation.farEnd(silence());
    emit(k);
  }
  return { cancellation, emit, sent };
}

describe('cancelEcho', () => {
  it('sends the microphone at once and as it is after the speaker is lost (no far end will come to wait for)', () => {
    const { cancellation, emit, sent } = anchored();
    // The speaker stops: three frames wait for a far end that does not come…
    emit(26);
    emit(27);
    emit(28);
    expect(sent).toHaveLength(26);
    // …until it is known lost: then they go, and every frame after goes as it comes, untouched.
    cancellation.farEndGone();
    expect(sent).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    const out: Int16Array[] = [];
    cancellation.source.start((pcm) => out.push(pcm), () => {});
    emit(29);
    expect(out).toHaveLength(1);
    expect(out[0]!.every((v) => v === 29)).toBe(true);
  });

  it('when the speaker is back (opened again), learns the new device from nothing and waits for its far end again', () => {
    const { mic, emit } = manualMic();
    const canceller = new EchoCanceller();
    const cancellation = cancelEcho(mic, canceller);
    const sent: number[] = [];
    cancellation.source.start((_pcm, ts) => sent.push(ts), () => {});
    for (let k = 1; k <= 30; k++) {
      cancellation.farEnd(silence());
      emit(k);
    }
    cancellation.farEndGone();
    for (let k = 31; k <= 40; k++) emit(k);
    expect(sent).toHaveLength(40);
    cancellation.farEndBack();
    cancellation.farEndBack(); // once back, again is nothing
    // A new device with its own delay: where its far end lines up with the microphone is found anew.
    expect(canceller.restarts).toBe(1);
    cancellation.farEnd(silence());
    cancellation.farEnd(silence());
    for (let k = 41; k <= 65; k++) {
      cancellation.farEnd(silence());
      emit(k);
    }
    // Lined up again: frames wait for their far end as before the loss (while it was gone, they went at once).
    emit(66);
    emit(67);
    emit(68);
    expect(sent.at(-1)).toBe(66);
    cancellation.farEnd(silence());
    cancellation.farEnd(silence());
    expect(sent.slice(-3)).toEqual([66, 67, 68]);
  });

  it('holds a microphone frame until its far end has come, then sends it, in order', () => {
    const { cancellation, emit, sent } = anchored();
    expect(sent).toHaveLength(25);
    // A busy moment: three microphone frames come before the far end. The first still has its own (the frame of
    // margin); the other two wait for theirs.
    emit(26);
    emit(27);
    emit(28);
    expect(sent).toHaveLength(26);
    cancellation.farEnd(silence());
    cancellation.farEnd(silence());
    expect(sent.slice(25)).toEqual([26, 27, 28]);
  });

  it('waits at most three frames, then sends the oldest as it is', () => {
    const { emit, sent } = anchored();
    // The speaker stops reporting (its device was lost): the microphone must go on.
    for (let k = 26; k <= 35; k++) emit(k);
    expect(sent.at(-1)).toBe(32);
    expect(sent).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it('says in its description that it cancels echo, and reports how far down the echo is', () => {
    const cancellation = cancelEcho(manualMic().mic, new EchoCanceller());
    expect(cancellation.source.description).toBe('test mic, echo cancellation');
    expect(cancellation.source.echoCancellation?.()).toEqual({ echoLeftDb: expect.closeTo(-6, 0) as number, pathChanges: 0, pathShifts: 0 });
  });
});

/**
 * The echo canceller (echo-canceller.ts) in the microphone's path: each microphone frame goes through it on its way
 * out, and what the speaker plays is its far end. A microphone frame whose far end has not all come yet waits for
 * it: the two reach this process from two devices, and a busy moment delays one behind the other; counted as
 * silence instead, the far end not yet come would cost that frame some of its cancellation (most when the others'
 * sound is tonal, as music is). The wait is short (the far end is usually right behind) and at most 60 ms, after
 * which the frame goes as it is.
 */
import type { EchoCanceller } from './echo-canceller.js';
import type { AudioSource } from './format.js';

/** Microphone frames that may wait for their far end (60 ms). */
const MAX_WAITING_FRAMES = 3;

export interface EchoCancellation {
  /** The microphone with the echo taken out. */
  source: AudioSource;
  /** Feed every frame the speaker plays, silence included (SpeakerSink.onPlayed). */
  farEnd(pcm: Int16Array): void;
  /**
   * The speaker is gone (lost mid-call): nothing plays and nothing echoes, so the microphone goes as it is, without
   * waiting for a far end that will not come.
   */
  farEndGone(): void;
  /** The speaker plays again (opened again after a loss): a new device, so the echo path is learnt anew. */
  farEndBack(): void;
}

export function cancelEcho(mic: AudioSource, canceller: EchoCanceller): EchoCancellation {
  const waiting: Array<{ pcm: Int16Array; captureTs: number }> = [];
  let deliver: ((pcm: Int16Array, captureTs: number) => void) | undefined;
  let farGone = false;
  const drain = (): void => {
    while (waiting.length > 0 && (farGone || canceller.ready || waiting.length > MAX_WAITING_FRAMES)) {
      const frame = waiting.shift()!;
      deliver?.(farGone ? frame.pcm : canceller.process(frame.pcm), frame.captureTs);
    }
  };
  return {
    source: {
      description: `${mic.description}, echo cancellation`,
      echoCancellation: () => ({ echoLeftDb: 20 * Math.log10(canceller.learntEchoGain), pathChanges: canceller.pathChanges + canceller.restarts, pathShifts: canceller.pathShifts }),
      start(onFrame, onError, interruptions) {
        deliver = onFrame;
        mic.start((pcm, captureTs) => {
          // Sources may reuse their arrays: a frame that waits is copied.
          waiting.push({ pcm: Int16Array.from(pcm), captureTs });
          drain();
        }, onError, interruptions);
      },
      async stop() {
        await mic.stop();
        deliver = undefined;
        waiting.length = 0;
      },
    },
    farEnd(pcm) {
      if (farGone) return;
      canceller.farEnd(pcm);
      drain();
    },
    farEndGone() {
      farGone = true;
      drain();
    },
    farEndBack() {
      if (!farGone) return;
      farGone = false;
      canceller.restart();
    },
  };
}

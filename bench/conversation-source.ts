/**
 * A microphone in a conversation, for the call benchmark's "one talks at a time" run: participant `turn` of `of`
 * talks (a tone, like the other runs) during its turn of `turnMs` and hears a quiet room the rest of the time (white
 * noise at −62 dBFS, a fan in the next room). Turns follow the wall clock, so participants in different processes
 * take turns without talking to each other. Paced in real time like every source (20 ms frames).
 */
import { FRAME_MS, SAMPLES_PER_FRAME, SOURCE_CATCH_UP_FRAMES, type AudioSource } from '../src/media/audio/format.js';
import { ToneGenerator } from '../src/media/audio/tone.js';
import { startPacer, type Pacer } from '../src/util/pacer.js';

export interface Turns {
  turn: number;
  of: number;
  turnMs: number;
}

const ROOM_NOISE_PEAK = Math.round(Math.sqrt(3) * 32768 * 10 ** (-62 / 20));

export function createConversationSource(hz: number, turns: Turns): AudioSource {
  const tone = new ToneGenerator(hz);
  let pacer: Pacer | undefined;
  return {
    description: `conversation (talks in turn ${turns.turn + 1} of ${turns.of})`,
    start(onFrame) {
      // Stamped with each tick's scheduled time, as the tone source (src/media/audio/tone.ts).
      const origin = Date.now();
      pacer = startPacer(FRAME_MS, (tick) => {
        const at = origin + tick * FRAME_MS;
        const talking = Math.floor(at / turns.turnMs) % turns.of === turns.turn;
        const frame = talking ? tone.next() : Int16Array.from({ length: SAMPLES_PER_FRAME }, () => Math.round(ROOM_NOISE_PEAK * (2 * Math.random() - 1)));
        onFrame(frame, at);
      }, { catchUpTicks: SOURCE_CATCH_UP_FRAMES });
    },
    async stop() {
      pacer?.stop();
    },
  };
}

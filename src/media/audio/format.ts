/** The one audio format inside the program (SPEC §4): 48 kHz, mono, signed 16-bit, 20 ms frames. */
export const SAMPLE_RATE = 48_000;
export const CHANNELS = 1;
export const FRAME_MS = 20;
export const SAMPLES_PER_FRAME = (SAMPLE_RATE * FRAME_MS) / 1000; // 960
/**
 * How many 20 ms ticks a generated or file audio source catches up after the process was busy (util/pacer), as a
 * microphone's buffer would hand them over late: a stall up to 100 ms delays sound, a longer one leaves a hole.
 */
export const SOURCE_CATCH_UP_FRAMES = 5;
/**
 * How many frames may wait for the speaker (200 ms; its process drops the oldest beyond), and so how many 20 ms
 * playout ticks the call catches up after it was busy: on a loaded machine its timer can be that late again and
 * again, and what waits is the cushion against it (PlaybackQueue sheds what goes unused).
 */
export const PLAYBACK_BACKLOG_FRAMES = 10;
/** One frame of silence, shared: whoever is handed it reads it, never writes into it. */
export const SILENT_FRAME = new Int16Array(SAMPLES_PER_FRAME);

export interface AudioSource {
  /** One line for the user, e.g. "tone 440 Hz". */
  readonly description: string;
  /**
   * Delivers one 20 ms frame of SAMPLES_PER_FRAME samples per call, paced in real time. `onError`: it stopped for
   * good. `interruptions`: it stopped for a while and is trying to come back (a microphone lost mid-call).
   */
  start(onFrame: (pcm: Int16Array, captureTs: number) => void, onError: (err: Error) => void, interruptions?: SourceInterruptions): void;
  stop(): Promise<void>;
  /** How the echo canceller in its chain is doing, when there is one (for the stats). */
  echoCancellation?(): EchoCancellationStats;
}

/** A source that stops for a while and comes back by itself: a microphone lost mid-call is opened again. */
export interface SourceInterruptions {
  /** It sends nothing for now (`err` says why) and is trying to come back. */
  paused(err: Error): void;
  /** It sends again. */
  resumed(): void;
}

/** How an echo canceller is doing, for the stats a participant shows. */
export interface EchoCancellationStats {
  /** The echo left in what is sent, in dB below what the speaker plays (−6 dB: nothing learnt yet). */
  echoLeftDb: number;
  /** Times it had to learn the echo path anew (it changed, or the far end fell out of step with the microphone). */
  pathChanges: number;
  /** Times the echo came later or earlier all at once (the speaker's timeline slipped) and it followed it. */
  pathShifts: number;
}

/**
 * `source` with every frame passed through `process` on its way out, named "<source>, <stage>" for the user;
 * `afterStop` frees what the stage holds once the source has stopped.
 */
export function processedSource(
  source: AudioSource,
  stage: string,
  process: (pcm: Int16Array) => Int16Array,
  afterStop?: () => void,
): AudioSource {
  return {
    description: `${source.description}, ${stage}`,
    ...(source.echoCancellation ? { echoCancellation: () => source.echoCancellation!() } : {}),
    start: (onFrame, onError, interruptions) => source.start((pcm, captureTs) => onFrame(process(pcm), captureTs), onError, interruptions),
    stop: async () => {
      await source.stop();
      afterStop?.();
    },
  };
}

/**
 * WAV reading for `--audio wav:PATH` (SPEC §1): RIFF parsing, conversion to the program's one format (48 kHz mono
 * 16-bit, `format.ts`), and a looped real-time source. Writing lives in `wav-writer.ts` (re-exported here).
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { startPacer, type Pacer, type PacerOptions } from '../../util/pacer.js';
import { SYSTEM_CLOCK, type Clock } from '../../util/clock.js';
import { fsErrorText } from '../../util/fs-errors.js';
import { FRAME_MS, SOURCE_CATCH_UP_FRAMES, SAMPLE_RATE, SAMPLES_PER_FRAME, type AudioSource } from './format.js';
import { WavInvalidError, WavUnsupportedError } from './errors.js';
import { downmixToMono, resample } from './resample.js';

export { WavFileWriter, type WavFileWriterOptions } from './wav-writer.js';

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const CONVERT_HINT = 'convert it with: sox IN.wav -b 16 -e signed-integer OUT.wav';

/** A parsed WAV file: interleaved 16-bit samples in the file's own rate and channel count. */
export interface WavData {
  sampleRate: number;
  channels: number;
  /** Interleaved samples; `samples.length / channels` frames. */
  samples: Int16Array;
}

/**
 * Parses a RIFF/WAVE file holding 16-bit integer PCM (plain or WAVE_FORMAT_EXTENSIBLE), any rate and channel count.
 * A data chunk whose size is 0 or larger than the file (written by a streaming or crashed writer) is read to the end
 * of the file.
 * @throws WavInvalidError when the bytes are not a well-formed WAV file.
 * @throws WavUnsupportedError for other sample formats (8/24/32-bit, float, compressed), with a conversion hint.
 */
export function parseWav(bytes: Uint8Array): WavData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new WavInvalidError('not a WAV file (no RIFF/WAVE header)');
  }
  let fmt: { format: number; channels: number; sampleRate: number; bits: number; blockAlign: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.byteLength) throw new WavInvalidError('WAV fmt chunk is truncated');
      let format = view.getUint16(body, true);
      if (format === WAVE_FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= bytes.byteLength) {
        // The first two bytes of the SubFormat GUID carry the format tag.
        format = view.getUint16(body + 24, true);
      }
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new WavInvalidError('WAV data chunk comes before the fmt chunk');
      if (fmt.format !== WAVE_FORMAT_PCM) {
        throw new WavUnsupportedError(`WAV sample format ${fmt.format} is not 16-bit PCM; ${CONVERT_HINT}`);
      }
      if (fmt.bits !== 16) throw new WavUnsupportedError(`WAV is ${fmt.bits}-bit; only 16-bit is read; ${CONVERT_HINT}`);
      if (fmt.channels < 1 || fmt.sampleRate < 1000 || fmt.sampleRate > 768_000) {
        throw new WavInvalidError(`WAV header is implausible (${fmt.channels} channels, ${fmt.sampleRate} Hz)`);
      }
      const available = bytes.byteLength - body;
      const dataBytes = size === 0 || size > available ? available : size;
      const frameBytes = 2 * fmt.channels;
      const usable = dataBytes - (dataBytes % frameBytes);
      const samples = new Int16Array(usable / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + 2 * i, true);
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples };
    }
    // Chunks are padded to an even size.
    offset = body + size + (size & 1);
  }
  throw new WavInvalidError(fmt ? 'WAV file has no data chunk' : 'WAV file has no fmt chunk');
}

/** Converts parsed WAV data to 48 kHz mono (channels averaged, then resampled). */
export function toMono48k(wav: WavData): Int16Array {
  return resample(downmixToMono(wav.samples, wav.channels), wav.sampleRate, SAMPLE_RATE);
}

/** Largest WAV file read (it is held in memory to loop): 256 MiB, 23 minutes of CD-quality stereo. */
export const MAX_WAV_FILE_BYTES = 256 * 2 ** 20;

/**
 * The whole file, or `undefined` when it holds more than `maxBytes`. Read in pieces rather than with `readFile`:
 * a device or pipe has no size to check first, and `wav:/dev/zero` grew to 5 GB before Node gave up at 2 GiB.
 */
async function readAtMost(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size > maxBytes) return undefined;
    const pieces: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      // The size stat gave in one read; then (a file still growing, a pipe) a MiB at a time.
      const piece = new Uint8Array(Math.min(Math.max(size - total, 2 ** 20), maxBytes + 1 - total));
      const { bytesRead } = await file.read(piece, 0, piece.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) return undefined;
      pieces.push(piece.subarray(0, bytesRead));
    }
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
  } finally {
    await file.close();
  }
}

/** Largest WAV read (it is held in memory to loop), in seconds of sound: 1 hour, 345 MB once at 48 kHz. */
export const MAX_WAV_SECONDS = 3600;

/** Limits of {@link readWavFile}; defaults {@link MAX_WAV_FILE_BYTES} and {@link MAX_WAV_SECONDS}. */
export interface WavLimits {
  maxBytes: number;
  maxSeconds: number;
}

/**
 * Reads a WAV file and returns it as 48 kHz mono samples.
 * @throws WavInvalidError, WavUnsupportedError as `parseWav`; WavInvalidError wrapping the fs error when unreadable,
 *   and when the file is larger than `maxBytes` or longer than `maxSeconds`.
 */
export async function readWavFile(path: string, limits: Partial<WavLimits> = {}): Promise<Int16Array> {
  const maxBytes = limits.maxBytes ?? MAX_WAV_FILE_BYTES;
  const maxSeconds = limits.maxSeconds ?? MAX_WAV_SECONDS;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readAtMost(path, maxBytes);
  } catch (err) {
    throw new WavInvalidError(`cannot read WAV file ${path}: ${fsErrorText(err)}`, { cause: err });
  }
  if (!bytes) {
    throw new WavInvalidError(`WAV file ${path} is larger than ${Math.round(maxBytes / 2 ** 20)} MB, the most read to loop; cut it shorter`);
  }
  const wav = parseWav(bytes);
  // Checked before converting: at a low rate a file within the byte limit is hours long, and at 48 kHz many times its
  // size (a 100 MB file at 1 kHz was still being converted after 2 minutes, at 1.4 GB and growing).
  const seconds = wav.samples.length / wav.channels / wav.sampleRate;
  if (seconds > maxSeconds) {
    throw new WavInvalidError(`WAV file ${path} lasts ${formatDuration(seconds)}, longer than the ${formatDuration(maxSeconds)} read to loop; cut it shorter`);
  }
  const mono = toMono48k(wav);
  if (mono.length === 0) throw new WavInvalidError(`WAV file ${path} holds no audio`);
  return mono;
}

/** "1 h 05 min", "3 min 20 s", "40 s". */
function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/** Options of the looped sample sources. */
export interface LoopSourceOptions {
  /** Stamps each frame's capture time. Default `SYSTEM_CLOCK`. */
  clock?: Clock;
  /** Starts the 20 ms schedule; injected by tests. Default `startPacer`. */
  pacer?: (periodMs: number, tick: (tickIndex: number) => void, opts: PacerOptions) => Pacer;
  /** Shown to the user. Default "samples". */
  description?: string;
}

/**
 * A real-time source that loops the given 48 kHz mono samples, one 20 ms frame per tick, wrapping across the end
 * without a gap (demo guests use it with pre-decoded speech). Each frame is the stretch of the loop its tick stands for,
 * stamped with the tick's scheduled time. When the process was busy, the ticks it missed come late, as a microphone's
 * buffer hands them over (up to SOURCE_CATCH_UP_FRAMES); after a longer stall the older ones are missing, as from a
 * microphone that lost buffers, and the rest stays in time — sound is never shifted against its timestamps (a
 * recording would show the stall as a shift of everything after it).
 */
export function createLoopSource(samples: Int16Array, opts: LoopSourceOptions = {}): AudioSource {
  if (samples.length === 0) throw new RangeError('a loop source needs at least one sample');
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const pace = opts.pacer ?? startPacer;
  let pacer: Pacer | undefined;
  const frameAt = (tickIndex: number): Int16Array => {
    const out = new Int16Array(SAMPLES_PER_FRAME);
    let position = (tickIndex * SAMPLES_PER_FRAME) % samples.length;
    let filled = 0;
    while (filled < out.length) {
      const n = Math.min(out.length - filled, samples.length - position);
      out.set(samples.subarray(position, position + n), filled);
      filled += n;
      position = (position + n) % samples.length;
    }
    return out;
  };
  return {
    description: opts.description ?? 'samples',
    start(onFrame) {
      if (pacer) return;
      const origin = clock.wallMs();
      pacer = pace(FRAME_MS, (tick) => onFrame(frameAt(tick), origin + tick * FRAME_MS), { catchUpTicks: SOURCE_CATCH_UP_FRAMES });
    },
    async stop() {
      pacer?.stop();
      pacer = undefined;
    },
  };
}

/**
 * `--audio wav:PATH`: reads and converts the whole file up front (so format errors surface before the call starts),
 * then loops it in real time.
 * @throws WavInvalidError, WavUnsupportedError as `readWavFile`.
 */
export async function createWavFileSource(path: string, opts: Omit<LoopSourceOptions, 'description'> = {}): Promise<AudioSource> {
  const samples = await readWavFile(path);
  return createLoopSource(samples, { ...opts, description: `wav ${basename(path)} (looped)` });
}

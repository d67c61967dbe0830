/**
 * WAV reading for `--audio wav:PATH` (SPEC §1): RIFF parsing, conversion to the program's one format (48 kHz mono
 * 16-bit, `format.ts`), and a looped real-time source. Writing lives in `wav-writer.ts` (re-exported here).
 */
import { basename } from 'node:path';
import { startPacer, type Pacer, type PacerOptions } from '../../util/pacer.js';
import { SYSTEM_CLOCK, type Clock } from '../../util/clock.js';
import { fsErrorText } from '../../util/fs-errors.js';
import { openWithin, readWithin } from '../../util/pipe-waits.js';
import { FRAME_MS, SOURCE_CATCH_UP_FRAMES, SAMPLE_RATE, SAMPLES_PER_FRAME, type AudioSource } from './format.js';
import { WavInvalidError, WavUnsupportedError } from './errors.js';
import { resample } from './resample.js';
import { downmixToMono, mixToMono, monoWeights } from './downmix.js';

export { WavFileWriter, type WavFileWriterOptions } from './wav-writer.js';

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Bytes 4–15 of every KSDATAFORMAT_SUBTYPE GUID whose first 4 bytes are a format tag (xxxxxxxx-0000-0010-8000-00aa00389b71). */
const SUBTYPE_GUID_TAIL = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
// ffmpeg, which scripts/install-system-deps.sh installs, writes 16-bit PCM for a .wav by default.
const CONVERT_HINT = 'convert it with: ffmpeg -i IN -ar 48000 -ac 1 OUT.wav';
/** Compressed formats people meet in WAV files, by format tag, for the refusal. */
const COMPRESSED_FORMATS: Readonly<Record<number, string>> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG audio',
  0x0055: 'MP3',
};

/** How one sample is stored: unsigned 8-bit, signed 16/24/32-bit integer, or 32/64-bit IEEE float, little-endian. */
export type WavSampleEncoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

const ENCODING_BYTES: Readonly<Record<WavSampleEncoding, number>> = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8 };

/** A parsed WAV file: interleaved 16-bit samples in the file's own rate and channel count. */
export interface WavData {
  sampleRate: number;
  channels: number;
  /** Interleaved samples; `samples.length / channels` frames. */
  samples: Int16Array;
  /** Where each channel's speaker stands (WAVE_FORMAT_EXTENSIBLE dwChannelMask); `undefined` without one. */
  channelMask?: number;
}

/** A WAV file's header: what its samples are and where they lie, checked, before any is converted. */
export interface WavLayout {
  sampleRate: number;
  channels: number;
  encoding: WavSampleEncoding;
  /** Offset of the first sample in the file's bytes. */
  dataOffset: number;
  /** Whole frames (one sample per channel) in the data chunk. */
  frames: number;
  /** WAVE_FORMAT_EXTENSIBLE's dwChannelMask, for the downmix (`downmix.ts`); `undefined` in a plain fmt chunk. */
  channelMask: number | undefined;
}

/**
 * Parses a RIFF/WAVE (or RF64) file's header: integer PCM of 1–32 bits (8 bits and less unsigned, as the format has
 * it) or 32/64-bit IEEE float, plain or WAVE_FORMAT_EXTENSIBLE, any rate and channel count. A data chunk whose size
 * is 0 or larger than the file (written by a streaming or crashed writer) is read to the end of the file.
 * @throws WavInvalidError when the bytes are not a well-formed WAV file, or its block size does not match its samples.
 * @throws WavUnsupportedError for compressed (A-law, µ-law, ADPCM, MP3 …) and other formats, and for a sound file that
 *   is not WAV but MP3, FLAC, Ogg, MP4, AIFF or Wave64, with a conversion hint.
 */
export function parseWavLayout(bytes: Uint8Array): WavLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  // RF64 (EBU Tech 3306) is a WAV whose sizes past 4 GiB are in its ds64 chunk; broadcast recorders write it always.
  if (bytes.byteLength < 12 || (tag(0) !== 'RIFF' && tag(0) !== 'RF64') || tag(8) !== 'WAVE') {
    const other = otherAudioFormat(bytes);
    if (other) throw new WavUnsupportedError(`not a WAV file but ${other} audio; ${CONVERT_HINT}`);
    throw new WavInvalidError('not a WAV file (no RIFF/WAVE header)');
  }
  let fmt:
    | { format: number; channels: number; sampleRate: number; bits: number; blockAlign: number; channelMask?: number }
    | undefined;
  let ds64DataBytes: number | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    let size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'ds64' && size >= 16 && body + 16 <= bytes.byteLength) {
      // riffSize (64 bits), then dataSize (64 bits).
      ds64DataBytes = view.getUint32(body + 8, true) + view.getUint32(body + 12, true) * 2 ** 32;
    }
    if (id === 'data' && size === 0xffffffff && ds64DataBytes !== undefined) size = ds64DataBytes;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.byteLength) throw new WavInvalidError('WAV fmt chunk is truncated');
      let format = view.getUint16(body, true);
      let channelMask: number | undefined;
      if (format === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 40 > bytes.byteLength) throw new WavInvalidError('WAV fmt chunk is truncated');
        // The SubFormat GUID carries the format tag in its first 4 bytes; another GUID is some other format.
        const tail = bytes.subarray(body + 28, body + 40);
        format = SUBTYPE_GUID_TAIL.every((b, i) => tail[i] === b) ? view.getUint32(body + 24, true) : -1;
        channelMask = view.getUint32(body + 20, true);
      }
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
        ...(channelMask === undefined ? {} : { channelMask }),
      };
    } else if (id === 'data') {
      if (!fmt) throw new WavInvalidError('WAV data chunk comes before the fmt chunk');
      const encoding = sampleEncoding(fmt.format, fmt.bits);
      if (fmt.channels < 1 || fmt.sampleRate < 1000 || fmt.sampleRate > 768_000) {
        const channels = `${fmt.channels} channel${fmt.channels === 1 ? '' : 's'}`;
        throw new WavInvalidError(`WAV header is implausible (${channels}, ${fmt.sampleRate} Hz)`);
      }
      const frameBytes = ENCODING_BYTES[encoding] * fmt.channels;
      if (fmt.blockAlign !== frameBytes) {
        throw new WavInvalidError(`WAV header is inconsistent: ${fmt.channels} channels of ${fmt.bits}-bit samples take ${frameBytes} bytes a frame, not ${fmt.blockAlign}`);
      }
      const available = bytes.byteLength - body;
      const dataBytes = size === 0 || size > available ? available : size;
      const frames = Math.floor(dataBytes / frameBytes);
      const { sampleRate, channels, channelMask } = fmt;
      return { sampleRate, channels, encoding, dataOffset: body, frames, channelMask };
    }
    // Chunks are padded to an even size.
    offset = body + size + (size & 1);
  }
  throw new WavInvalidError(fmt ? 'WAV file has no data chunk' : 'WAV file has no fmt chunk');
}

/**
 * The kind of sound file `bytes` begins as, when it is a common one that is not WAV (an MP3 named `.wav` is easily
 * made), for a refusal that says what to do; `undefined` for anything else.
 */
function otherAudioFormat(bytes: Uint8Array): string | undefined {
  const text = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (text(0, 3) === 'ID3' || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe6) === 0xe2)) return 'MP3';
  if (text(0, 4) === 'fLaC') return 'FLAC';
  if (text(0, 4) === 'OggS') return 'Ogg';
  if (text(4, 8) === 'ftyp') return 'MP4/M4A';
  if (text(0, 4) === 'FORM' && (text(8, 12) === 'AIFF' || text(8, 12) === 'AIFC')) return 'AIFF';
  // Sony Wave64: its chunk ids are GUIDs, the first starting "riff" in lower case.
  if (text(0, 4) === 'riff' && text(24, 28) === 'wave') return 'Wave64';
  return undefined;
}

/** The encoding of a format tag and bit depth (integers in the smallest whole bytes that hold them, left-justified). */
function sampleEncoding(format: number, bits: number): WavSampleEncoding {
  if (format === WAVE_FORMAT_PCM && bits >= 1 && bits <= 32) return (['u8', 's16', 's24', 's32'] as const)[Math.ceil(bits / 8) - 1]!;
  if (format === WAVE_FORMAT_IEEE_FLOAT && (bits === 32 || bits === 64)) return bits === 32 ? 'f32' : 'f64';
  if (format === WAVE_FORMAT_PCM || format === WAVE_FORMAT_IEEE_FLOAT) {
    const kind = format === WAVE_FORMAT_PCM ? 'integer' : 'float';
    throw new WavUnsupportedError(`WAV holds ${bits}-bit ${kind} samples, which are not read; ${CONVERT_HINT}`);
  }
  const name = COMPRESSED_FORMATS[format];
  const what = name ? `${name} audio` : format < 0 ? 'audio of an unknown WAVE_FORMAT_EXTENSIBLE subtype' : `audio in format 0x${format.toString(16).padStart(4, '0')}`;
  throw new WavUnsupportedError(`WAV holds ${what}, which is not read (only PCM and float are); ${CONVERT_HINT}`);
}

/**
 * Parses a WAV file whole (see {@link parseWavLayout} for what is read). Samples become 16-bit: integers keep their
 * top 16 bits, rounded to nearest; 8-bit ones are widened; floats are clipped to [−1, 1] and scaled by 32768.
 * @throws WavInvalidError, WavUnsupportedError as `parseWavLayout`.
 */
export function parseWav(bytes: Uint8Array): WavData {
  const layout = parseWavLayout(bytes);
  const { sampleRate, channels, channelMask } = layout;
  const samples = decodeSamples(bytes, layout, false);
  return { sampleRate, channels, samples, ...(channelMask === undefined ? {} : { channelMask }) };
}

type SampleReader = (bytes: Uint8Array, view: DataView, at: number) => number;

// Rounded top 16 bits: the 16 bits, plus one when the highest bit below them is set; only the largest values round
// past 32767.
const SAMPLE_READERS: Readonly<Record<WavSampleEncoding, SampleReader>> = {
  u8: (bytes, _view, at) => (bytes[at]! - 128) << 8,
  s16: (_bytes, view, at) => view.getInt16(at, true),
  s24: (bytes, view, at) => Math.min(32767, view.getInt16(at + 1, true) + (bytes[at]! >> 7)),
  s32: (bytes, view, at) => Math.min(32767, view.getInt16(at + 2, true) + (bytes[at + 1]! >> 7)),
  f32: (_bytes, view, at) => floatToInt16(view.getFloat32(at, true)),
  f64: (_bytes, view, at) => floatToInt16(view.getFloat64(at, true)),
};

// ffmpeg's own float → s16 scaling (×32768, clipped), so a float file made from 16-bit samples reads back exactly.
function floatToInt16(x: number): number {
  if (Number.isNaN(x)) return 0;
  return x >= 1 ? 32767 : x <= -1 ? -32768 : Math.min(32767, Math.round(x * 32768));
}

/**
 * The file's samples as 16-bit, interleaved or (`mono`) mixed down by where their speakers stand (`downmix.ts`):
 * straight from the file's bytes into the one array kept, at 2 bytes a sample (a 64-bit float file needs a quarter of
 * its size).
 */
function decodeSamples(bytes: Uint8Array, layout: WavLayout, mono: boolean): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = SAMPLE_READERS[layout.encoding];
  const size = ENCODING_BYTES[layout.encoding];
  const { channels, frames } = layout;
  if (!mono || channels === 1) {
    const out = new Int16Array(frames * channels);
    for (let i = 0, at = layout.dataOffset; i < out.length; i++, at += size) out[i] = read(bytes, view, at);
    return out;
  }
  const weights = monoWeights(channels, layout.channelMask);
  return mixToMono(frames, weights, (i) => read(bytes, view, layout.dataOffset + i * size));
}

/** Converts parsed WAV data to 48 kHz mono (mixed down as `downmix.ts` does, then resampled). */
export function toMono48k(wav: WavData): Int16Array {
  return resample(downmixToMono(wav.samples, monoWeights(wav.channels, wav.channelMask)), wav.sampleRate, SAMPLE_RATE);
}

/** Largest WAV file read (it is held in memory to loop): 256 MiB, 23 minutes of CD-quality stereo. */
export const MAX_WAV_FILE_BYTES = 256 * 2 ** 20;

/**
 * The whole file, or `undefined` when it holds more than `maxBytes`. Read in pieces rather than with `readFile`:
 * a device or pipe has no size to check first, and `wav:/dev/zero` grew to 5 GB before Node gave up at 2 GiB.
 */
async function readAtMost(path: string, maxBytes: number, waitMs: number): Promise<Uint8Array | undefined> {
  const file = await openWithin(path, waitMs);
  try {
    const { size } = await file.stat();
    if (size > maxBytes) return undefined;
    const pieces: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      // The size stat gave in one read; then (a file still growing, a pipe) a MiB at a time.
      const piece = new Uint8Array(Math.min(Math.max(size - total, 2 ** 20), maxBytes + 1 - total));
      // Until the header is in, each read has a limit too: a pipe's writer that opened it and sends nothing was waited
      // on for ever. After it, a writer may take its time (ffmpeg converting a long file into the pipe).
      const bytesRead = total < WAV_HEADER_BYTES
        ? await readWithin(file, path, piece, waitMs)
        : (await file.read(piece, 0, piece.length, null)).bytesRead;
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

/**
 * How long opening a WAV file may take, and then its header's coming: a local file opens and reads at once, a pipe
 * only once something opens it to write, and then writes.
 */
const WAV_OPEN_TIMEOUT_MS = 5000;
/** The header of a plain WAV file (RIFF, fmt and data chunk headers): what is waited for with a limit. */
const WAV_HEADER_BYTES = 44;

/** Largest WAV read (it is held in memory to loop), in seconds of sound: 1 hour, 345 MB once at 48 kHz. */
export const MAX_WAV_SECONDS = 3600;

/** Limits of {@link readWavFile}; defaults {@link MAX_WAV_FILE_BYTES} and {@link MAX_WAV_SECONDS}. */
export interface WavLimits {
  maxBytes: number;
  maxSeconds: number;
  /** How long opening the file may take, and then each read of its header; default {@link WAV_OPEN_TIMEOUT_MS}. */
  openWithinMs: number;
}

/**
 * Reads a WAV file and returns it as 48 kHz mono samples.
 * @throws WavInvalidError, WavUnsupportedError as `parseWavLayout`; WavInvalidError wrapping the fs error when unreadable,
 *   and when the file is empty, larger than `maxBytes` or longer than `maxSeconds`.
 */
export async function readWavFile(path: string, limits: Partial<WavLimits> = {}): Promise<Int16Array> {
  const maxBytes = limits.maxBytes ?? MAX_WAV_FILE_BYTES;
  const maxSeconds = limits.maxSeconds ?? MAX_WAV_SECONDS;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readAtMost(path, maxBytes, limits.openWithinMs ?? WAV_OPEN_TIMEOUT_MS);
  } catch (err) {
    throw new WavInvalidError(`cannot read WAV file ${path}: ${fsErrorText(err)}`, { cause: err });
  }
  if (!bytes) {
    throw new WavInvalidError(`WAV file ${path} is larger than ${Math.round(maxBytes / 2 ** 20)} MB, the most read to loop; cut it shorter`);
  }
  if (bytes.length === 0) throw new WavInvalidError(`WAV file ${path} is empty (0 bytes)`);
  const layout = parseWavLayout(bytes);
  // Checked before converting: at a low rate a file within the byte limit is hours long, and at 48 kHz many times its
  // size (a 100 MB file at 1 kHz was still being converted after 2 minutes, at 1.4 GB and growing).
  const seconds = layout.frames / layout.sampleRate;
  if (seconds > maxSeconds) {
    throw new WavInvalidError(`WAV file ${path} lasts ${formatDuration(seconds)}, longer than the ${formatDuration(maxSeconds)} read to loop; cut it shorter`);
  }
  // Channels mixed down while decoding: no interleaved copy of the whole file alongside. Already at 48 kHz it is the
  // result as it is (resample would copy it, up to 345 MB more).
  const decoded = decodeSamples(bytes, layout, true);
  const mono = layout.sampleRate === SAMPLE_RATE ? decoded : resample(decoded, layout.sampleRate, SAMPLE_RATE);
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

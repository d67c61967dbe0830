/**
 * Turns `--audio auto|mic[:DEVICE]|wav:PATH|tone[:HZ]|none` and `--speaker DEVICE|none` into a source/sink (SPEC §1).
 * Missing devices never fail the call: the result carries a one-line notice saying what was used instead.
 */
import type { AudioSource } from './format.js';
import { createToneSource } from './tone.js';
import { createWavFileSource } from './wav.js';
import { createMicSource, createSpeakerSink, listAudioDevices, type DeviceOptions, type SpeakerSink } from './device.js';
import { AudioDeviceLostError, AudioSourceSpecError, type AudioError } from './errors.js';

/** A parsed `--audio` value. */
export type AudioSourceSpec =
  | { kind: 'auto' }
  | { kind: 'mic'; device?: string }
  | { kind: 'wav'; path: string }
  | { kind: 'tone'; hz: number }
  | { kind: 'none' };

/** What `resolveAudioSource` chose. `source` is null for "send no audio". */
export interface ResolvedAudioSource {
  source: AudioSource | null;
  /** One line for the user when we fell back from what was asked, e.g. "no microphone found — sending no audio". */
  notice?: string;
}

const DEFAULT_TONE_HZ = 440;
/**
 * A backstop: the worker itself reports a microphone silent for 3 s after it opened, and starting it (Node, then
 * PortAudio) takes up to a second or two more on a busy machine; its own report, which says more, should win.
 */
const MIC_PROBE_MS = 6000;

/**
 * Parses an `--audio` value (pure: the CLI can reject a bad flag with exit code 2 before starting anything).
 * @throws AudioSourceSpecError for anything else.
 */
export function parseAudioSourceSpec(spec: string): AudioSourceSpec {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const arg = colon < 0 ? undefined : spec.slice(colon + 1);
  switch (kind) {
    case 'auto':
    case 'none':
      if (arg !== undefined) break;
      return { kind };
    case 'mic':
      if (arg === '') throw new AudioSourceSpecError('--audio mic: needs a device after the colon, or no colon');
      return arg ? { kind, device: arg } : { kind };
    case 'wav':
      if (!arg) throw new AudioSourceSpecError('--audio wav: needs a file, e.g. wav:fixtures/speech.wav');
      return { kind, path: arg };
    case 'tone': {
      if (arg === undefined) return { kind, hz: DEFAULT_TONE_HZ };
      const hz = Number(arg);
      if (!Number.isFinite(hz) || hz < 20 || hz > 20_000) {
        throw new AudioSourceSpecError(`--audio tone:${arg}: the frequency must be a number from 20 to 20000 (Hz)`);
      }
      return { kind, hz };
    }
  }
  throw new AudioSourceSpecError(`--audio ${spec}: expected auto, mic[:DEVICE], wav:PATH, tone[:HZ] or none`);
}

/** Options of `resolveAudioSource`. */
export interface ResolveAudioOptions extends DeviceOptions {
  /** How long a probe waits for the microphone's first frame or the worker's report before giving up. Default 6 s. */
  probeMs?: number;
}

/**
 * Starts a microphone just long enough to get one frame, to tell "listed" from "works" (ALSA lists a `default`
 * device even when nothing is behind it, and a microphone can open and then send nothing at all).
 */
export async function probeMicrophone(device: string | undefined, opts: ResolveAudioOptions = {}): Promise<AudioError | null> {
  const mic = createMicSource(device, opts);
  const probeMs = opts.probeMs ?? MIC_PROBE_MS;
  const result = await new Promise<AudioError | null>((resolve) => {
    // The worker reports a silent device itself (its watchdog); this is for one that never even says that.
    const timer = setTimeout(() => resolve(new AudioDeviceLostError(`the microphone sent no sound in ${probeMs / 1000} s`)), probeMs);
    mic.start(
      () => {
        clearTimeout(timer);
        resolve(null);
      },
      (err) => {
        clearTimeout(timer);
        resolve(err as AudioError);
      },
    );
  });
  await mic.stop();
  return result;
}

/**
 * Resolves an `--audio` value to a source. `auto` uses the default microphone when PortAudio lists one and it
 * delivers audio, else no audio with a notice; `mic` falls back to no audio with a notice when the device or
 * naudiodon is missing, or the device sends no sound.
 * @throws AudioSourceSpecError for a malformed value; WavInvalidError/WavUnsupportedError for a bad `wav:` file (the
 *   user asked for that file, so a clear error beats silently sending nothing).
 */
export async function resolveAudioSource(spec: string, opts: ResolveAudioOptions = {}): Promise<ResolvedAudioSource> {
  const parsed = parseAudioSourceSpec(spec);
  switch (parsed.kind) {
    case 'none':
      return { source: null };
    case 'tone':
      return { source: createToneSource(parsed.hz) };
    case 'wav':
      return { source: await createWavFileSource(parsed.path) };
    case 'mic': {
      const problem = await probeMicrophone(parsed.device, opts);
      if (problem) return { source: null, notice: `${problem.message} — sending no audio` };
      return { source: createMicSource(parsed.device, opts) };
    }
    case 'auto': {
      let hasDefault = false;
      try {
        hasDefault = (await listAudioDevices(opts)).microphones.some((m) => m.default);
      } catch (err) {
        return { source: null, notice: `no microphone (${(err as Error).message}) — sending no audio` };
      }
      if (!hasDefault) return { source: null, notice: 'no microphone found — sending no audio' };
      const problem = await probeMicrophone(undefined, opts);
      if (problem) return { source: null, notice: `the default microphone does not work (${problem.message}) — sending no audio` };
      return { source: createMicSource(undefined, opts) };
    }
  }
}

/** What `resolveSpeakerSink` chose. */
export interface ResolvedSpeaker {
  sink: SpeakerSink | null;
  notice?: string;
}

/**
 * Resolves `--speaker DEVICE|none` (undefined = the default speaker). A missing speaker or backend gives no sink and
 * a notice instead of an error.
 */
export async function resolveSpeakerSink(spec: string | undefined, opts: DeviceOptions = {}): Promise<ResolvedSpeaker> {
  if (spec === 'none') return { sink: null };
  let speakers;
  try {
    speakers = (await listAudioDevices(opts)).speakers;
  } catch (err) {
    return { sink: null, notice: `no speaker (${(err as Error).message}) — playing no audio` };
  }
  const wanted = spec && spec !== 'default' ? spec : undefined;
  const exists = wanted
    ? speakers.some((s) => String(s.id) === wanted || s.name.toLowerCase().includes(wanted.toLowerCase()))
    : speakers.some((s) => s.default);
  if (!exists) return { sink: null, notice: `${wanted ? `no speaker "${wanted}"` : 'no speaker found'} — playing no audio` };
  return { sink: createSpeakerSink(wanted, opts) };
}

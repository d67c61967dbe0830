import { createToneSource } from '../media/audio/tone.js';
import type { AudioSource } from '../media/audio/format.js';
import { createPatternSource } from '../media/video/pattern.js';
import { DEFAULT_VIDEO_OPTIONS, type VideoSource } from '../media/video/source.js';
import { UsageError } from './exit-codes.js';

/** Opens the `--video` and `--audio` sources; `notice` reports what a source fell back to. */
export async function openMediaSources(
  flags: { video: string; audio: string },
  name: string,
  notice: (message: string) => void,
): Promise<{ video: VideoSource | undefined; audio: AudioSource | undefined }> {
  return { video: openVideo(flags.video, name, notice), audio: openAudio(flags.audio, notice) };
}

function openVideo(spec: string, name: string, notice: (message: string) => void): VideoSource | undefined {
  if (spec === 'none') return undefined;
  if (spec === 'pattern') return createPatternSource(DEFAULT_VIDEO_OPTIONS, { name });
  if (spec === 'auto') {
    notice('no camera found; sending a test pattern instead');
    return createPatternSource(DEFAULT_VIDEO_OPTIONS, { name });
  }
  throw new UsageError(`unknown --video source "${spec}"`);
}

function openAudio(spec: string, notice: (message: string) => void): AudioSource | undefined {
  if (spec === 'none') return undefined;
  const tone = /^tone(?::(\d+(?:\.\d+)?))?$/.exec(spec);
  if (tone) return createToneSource(tone[1] ? Number(tone[1]) : 440);
  if (spec === 'auto') {
    notice('no microphone found; sending no audio');
    return undefined;
  }
  throw new UsageError(`unknown --audio source "${spec}"`);
}

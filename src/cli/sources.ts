import { AudioError } from '../media/audio/errors.js';
import type { AudioSource } from '../media/audio/format.js';
import { parseAudioSourceSpec, resolveAudioSource } from '../media/audio/resolve-source.js';
import { createVideoSource } from '../media/video/create-source.js';
import { VideoError } from '../media/video/errors.js';
import { DEFAULT_VIDEO_OPTIONS, type VideoSource } from '../media/video/source.js';
import { CliError, ExitCode, UsageError } from './exit-codes.js';

/** Prefixes the flag unless the message already names it, and drops a final full stop (we print one sentence). */
function flagMessage(flag: string, value: string, message: string): string {
  const text = message.replace(/\.$/, '');
  return text.startsWith(flag) ? text : `${flag} ${value}: ${text}`;
}

/**
 * Opens the `--video` and `--audio` sources. A malformed flag or a missing file is a usage error (exit 2); a missing
 * device falls back (camera → pattern, microphone → none) and `notice` says so.
 */
export async function openMediaSources(
  flags: { video: string; audio: string },
  name: string,
  notice: (message: string) => void,
): Promise<{ video: VideoSource | undefined; audio: AudioSource | undefined }> {
  try {
    parseAudioSourceSpec(flags.audio);
  } catch (err) {
    throw new UsageError(flagMessage('--audio', flags.audio, (err as Error).message));
  }
  let video: VideoSource | undefined;
  try {
    const created = await createVideoSource(flags.video, DEFAULT_VIDEO_OPTIONS, { name });
    if (created.notice) notice(created.notice);
    video = created.source ?? undefined;
  } catch (err) {
    if (err instanceof VideoError) throw new CliError(flagMessage('--video', flags.video, err.message), ExitCode.USAGE, { cause: err });
    throw err;
  }
  try {
    const resolved = await resolveAudioSource(flags.audio);
    if (resolved.notice) notice(resolved.notice);
    return { video, audio: resolved.source ?? undefined };
  } catch (err) {
    await video?.stop();
    if (err instanceof AudioError) throw new CliError(flagMessage('--audio', flags.audio, err.message), ExitCode.USAGE, { cause: err });
    throw err;
  }
}

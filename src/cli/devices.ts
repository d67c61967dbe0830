import { AudioError } from '../media/audio/errors.js';
import { listAudioDevices, type AudioDeviceList } from '../media/audio/device.js';
import { listCameras, type CameraInfo } from '../media/video/cameras.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** `livecomm-tui devices [--json]`: cameras, microphones and speakers, with the flag value that picks each. */
export async function runDevices(flags: { json?: boolean }, out: NodeJS.WritableStream): Promise<ExitCodeValue> {
  const cameras = await listCameras();
  let audio: AudioDeviceList = { microphones: [], speakers: [] };
  let audioProblem: string | undefined;
  try {
    audio = await listAudioDevices();
  } catch (err) {
    if (!(err instanceof AudioError)) throw err;
    audioProblem = err.message;
  }
  if (flags.json) {
    out.write(`${JSON.stringify({ cameras, ...audio, ...(audioProblem ? { audioProblem } : {}) }, null, 2)}\n`);
    return ExitCode.OK;
  }
  out.write(formatDevices(cameras, audio, audioProblem));
  return ExitCode.OK;
}

export function formatDevices(cameras: CameraInfo[], audio: AudioDeviceList, audioProblem: string | undefined): string {
  const lines: string[] = ['Cameras (--video v4l2:DEVICE or webcam:DEVICE)'];
  if (cameras.length === 0) lines.push('  none found: calls send a test pattern (--video pattern), or use --video file:PATH');
  for (const c of cameras) lines.push(`  ${c.device}  ${c.name}`);
  for (const [title, flag, list, none] of [
    ['Microphones', '--audio mic:ID', audio.microphones, 'calls send no audio; try --audio wav:PATH or --audio tone'],
    ['Speakers', '--speaker ID', audio.speakers, 'calls play no audio'],
  ] as const) {
    lines.push('', `${title} (${flag})`);
    if (audioProblem) lines.push(`  unavailable: ${audioProblem}`);
    else if (list.length === 0) lines.push(`  none found: ${none}`);
    for (const d of list) lines.push(`  ${String(d.id).padStart(3)}  ${d.name}${d.default ? '  (default)' : ''}  [${d.hostApi}]`);
  }
  return `${lines.join('\n')}\n`;
}

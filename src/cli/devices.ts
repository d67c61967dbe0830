import { AudioError } from '../media/audio/errors.js';
import { listAudioDevices, type AudioDeviceList } from '../media/audio/device.js';
import { listCameras, type CameraInfo } from '../media/video/cameras.js';
import { describeTerminal, type TerminalAbilities } from '../tui/terminal.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { writeOutput } from './write-output.js';

/**
 * `livecomm-tui devices [--json]`: cameras, microphones and speakers, with the flag value that picks each; and, run
 * in a terminal, what that terminal can do (the colours `--color auto` picks, whether push-to-talk hears releases).
 */
export async function runDevices(flags: { json?: boolean }, out: NodeJS.WritableStream): Promise<ExitCodeValue> {
  // Asked first, before anything else could read the terminal's answers.
  const terminal = await describeTerminal(process.stdin, process.stdout, process.env);
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
    await writeOutput(out, `${JSON.stringify({ cameras, ...audio, ...(audioProblem ? { audioProblem } : {}), terminal: terminal ?? null }, null, 2)}\n`);
    return ExitCode.OK;
  }
  // Typed in a terminal but read by a pipe or a file (`devices | less`): that terminal is not the one to ask.
  const outputRedirected = Boolean(process.stdin.isTTY) && !process.stdout.isTTY;
  await writeOutput(out, formatDevices(cameras, audio, audioProblem, terminal, outputRedirected));
  return ExitCode.OK;
}

/** `outputRedirected`: run in a terminal, but written to a pipe or a file, so what the terminal can do was not asked. */
export function formatDevices(
  cameras: CameraInfo[], audio: AudioDeviceList, audioProblem: string | undefined, terminal?: TerminalAbilities, outputRedirected = false,
): string {
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
  lines.push('', 'This terminal (--color, --transmit ptt)');
  if (!terminal && outputRedirected) lines.push('  not asked: the output goes to a pipe or a file; run livecomm-tui devices alone to see what this terminal can do');
  else if (!terminal) lines.push('  not a terminal: run devices in the terminal you will call from');
  else {
    const hint = terminal.color.mode === 'truecolor' || terminal.color.mode === 'mono' ? '' : ' (--color truecolor if it has 24-bit colour)';
    lines.push(`  colours: ${terminal.color.mode}, because ${terminal.color.because}${hint}`);
    const hold = terminal.keyReleases.exact ? 'from press to release' : 'told from key repeats';
    lines.push(`  push-to-talk: ${hold}, because ${terminal.keyReleases.because}`);
    // Said here, before a call: the call screen itself refuses it only once the call is asked for.
    if (terminal.callScreenRefused) {
      lines.push(`  call screen: not here: ${terminal.callScreenRefused}; call from a terminal emulator, or use --headless`);
    }
  }
  return `${lines.join('\n')}\n`;
}

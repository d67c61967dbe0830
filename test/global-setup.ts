import { execFileSync } from 'node:child_process';

/**
 * Audio tests start a PulseAudio daemon with a virtual sound card (scripts/start-pulseaudio.sh) and make its null sink
 * the default. After the run, a daemon the run started is stopped (it would keep running, ~2 % of a core), and one
 * that was there before gets its default speaker and microphone back: a developer's desktop must not be left playing
 * into a null sink.
 */
function pactl(...args: string[]): string | undefined {
  try {
    return execFileSync('pactl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
  } catch {
    return undefined;
  }
}

export default function setup(): () => void {
  const before = pactl('info') === undefined ? undefined : { sink: pactl('get-default-sink'), source: pactl('get-default-source') };
  return () => {
    if (!before) {
      try {
        execFileSync('pulseaudio', ['--kill'], { stdio: 'ignore', timeout: 5_000 });
      } catch {
        // Not running (no audio test ran), or already gone.
      }
      return;
    }
    if (before.sink) pactl('set-default-sink', before.sink);
    if (before.source) pactl('set-default-source', before.source);
  };
}

import { execFileSync } from 'node:child_process';

/**
 * Audio tests start a PulseAudio daemon with a virtual sound card (scripts/start-pulseaudio.sh) and make its null sink
 * the default. After the run, a daemon the run started is stopped (it would keep running, ~2 % of a core), and one
 * that was there before gets its default speaker and microphone back and loses the virtual devices the run added: a
 * developer's desktop must not be left playing into a null sink, nor list it among its speakers.
 */
function pactl(...args: string[]): string | undefined {
  try {
    return execFileSync('pactl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
  } catch {
    return undefined;
  }
}

/** Loaded modules as `id → arguments`. */
function modules(): Map<string, string> {
  const list = new Map<string, string>();
  for (const line of (pactl('list', 'short', 'modules') ?? '').split('\n')) {
    const [id, name, args = ''] = line.split('\t');
    if (id && name) list.set(id, `${name} ${args}`);
  }
  return list;
}

/** What scripts/start-pulseaudio.sh loads into a daemon that lacks it. */
const OURS = /module-null-sink .*sink_name=vsink|module-null-source .*source_name=silence|module-loopback .*source=silence/;

export default function setup(): () => void {
  const before = pactl('info') === undefined
    ? undefined
    : { sink: pactl('get-default-sink'), source: pactl('get-default-source'), modules: modules() };
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
    // Newest first: the loopback goes before the devices it joins.
    const added = [...modules()].filter(([id, what]) => !before.modules.has(id) && OURS.test(what)).map(([id]) => id);
    for (const id of added.reverse()) pactl('unload-module', id);
  };
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Audio tests start a PulseAudio daemon with a virtual sound card (scripts/start-pulseaudio.sh) and make its null sink
 * the default. After the run, a daemon the run started is stopped (it would keep running, ~2 % of a core), and one
 * that was there before gets its default speaker and microphone back and loses the virtual devices the run added: a
 * developer's desktop must not be left playing into a null sink, nor list it among its speakers.
 * The script writes the PID of a daemon it started to LIVECOMM_PULSE_PID_FILE (the test workers inherit it from
 * here), and only that PID is stopped: a daemon another run started meanwhile, on the same socket, is left alone.
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

/** The PID in `pidFile` while it is still a PulseAudio daemon (not a PID used again since), else undefined. */
function daemonStarted(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    return Number.isInteger(pid) && pid > 0 && isPulseAudio(pid) ? pid : undefined;
  } catch {
    return undefined; // No audio test started one.
  }
}

/** Whether `pid` is a running PulseAudio daemon (not gone, not a zombie, not a PID used again since). */
function isPulseAudio(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'pulseaudio' && !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export default function setup(): () => void {
  const pidDir = mkdtempSync(join(tmpdir(), 'livecomm-pulse-pid-'));
  const pidFile = join(pidDir, 'pulseaudio.pid');
  process.env.LIVECOMM_PULSE_PID_FILE = pidFile;
  const before = pactl('info') === undefined
    ? undefined
    : { sink: pactl('get-default-sink'), source: pactl('get-default-source'), modules: modules() };
  return () => {
    const started = daemonStarted(pidFile);
    rmSync(pidDir, { recursive: true, force: true });
    if (started !== undefined) {
      process.kill(started, 'SIGTERM');
      // Gone before the next run starts (the suite's second vitest run starts PulseAudio again at once): a daemon
      // still shutting down answers its start script, then vanishes under that run's devices.
      const deadline = Date.now() + 5_000;
      while (isPulseAudio(started) && Date.now() < deadline) execFileSync('sleep', ['0.05']);
      return;
    }
    if (!before) return;
    if (before.sink) pactl('set-default-sink', before.sink);
    if (before.source) pactl('set-default-source', before.source);
    // Newest first: the loopback goes before the devices it joins.
    const added = [...modules()].filter(([id, what]) => !before.modules.has(id) && OURS.test(what)).map(([id]) => id);
    for (const id of added.reverse()) pactl('unload-module', id);
  };
}

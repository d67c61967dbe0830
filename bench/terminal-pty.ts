/**
 * Terminal output measured on a real pty: the call screen runs in a 160×48 tmux window (truecolor) with three
 * remote participants sending the fixture clip (a slow zoom: every cell moves) plus the self view, and `tmux
 * pipe-pane` counts every byte the program writes to its terminal over the measuring window.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, fixturePath } from './paths.js';
import { freePort } from './children.js';
import { sleep } from './stats.js';

export interface PtyBenchResult {
  bytesPerSec: number;
  seconds: number;
  guests: number;
  source: string;
}

const BIN = join(PROJECT_ROOT, 'bin', 'livecomm-tui.js');

/** Null when tmux (or the compiled CLI) is missing. */
export async function runPtyBench(options: { warmupMs: number; measureMs: number }): Promise<PtyBenchResult | null> {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'cli', 'index.js'))) return null;
  const dir = mkdtempSync(join(tmpdir(), 'lc-pty-bench-'));
  const socket = `lc-bench-${process.pid}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const children: ChildProcess[] = [];
  const clip = fixturePath('clip-chelsea-3s.mp4');
  const source = hasFfmpeg() ? `file:${clip}` : 'pattern';
  try {
    const port = await freePort();
    const env = { ...process.env, LIVECOMM_CONFIG_DIR: join(dir, 'config') };
    children.push(spawn(process.execPath, [BIN, 'serve', '--bind', '127.0.0.1', '--port', String(port)], { stdio: 'ignore', env }));
    await sleep(500);
    for (const name of ['ada', 'grace', 'linus']) {
      children.push(
        spawn(process.execPath, [BIN, 'connect', `127.0.0.1:${port}`, '--headless', '--name', name, '--video', source, '--audio', 'none'], {
          stdio: 'ignore',
          env,
        }),
      );
    }
    const command = [process.execPath, BIN, 'connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'pattern', '--audio', 'none', '--speaker', 'none']
      .map((a) => `'${a}'`)
      .join(' ');
    tmux('new-session', '-d', '-s', 'b', '-x', '160', '-y', '48', '-e', 'COLORTERM=truecolor', '-e', `LIVECOMM_CONFIG_DIR=${join(dir, 'config')}`, command);
    await sleep(options.warmupMs);
    const out = join(dir, 'pty.out');
    tmux('pipe-pane', '-o', '-t', 'b', `cat > ${out}`);
    const started = performance.now();
    await sleep(options.measureMs);
    tmux('pipe-pane', '-t', 'b');
    const seconds = (performance.now() - started) / 1000;
    await sleep(200);
    const bytes = existsSync(out) ? statSync(out).size : 0;
    return { bytesPerSec: bytes / seconds, seconds, guests: 3, source: source.startsWith('file:') ? 'fixture clip (every cell moves)' : 'pattern' };
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

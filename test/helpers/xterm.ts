import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real terminal emulator that answers questions as a user's does: Debian's xterm on an Xvfb display (no screen
 * needed). tmux and xterm.js answer some terminal queries themselves or not at all; xterm answers DECRQSS, DA1 and
 * XTVERSION as the terminals in users' hands do. What the program wrote is read back from xterm's own log (`-l`).
 */
export class XtermDisplay {
  private constructor(
    private readonly xvfb: ChildProcess,
    readonly display: string,
    private readonly dir: string,
  ) {}

  /** Starts Xvfb on a free display (it picks one and says which on the fd given to -displayfd). */
  static async start(): Promise<XtermDisplay> {
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    const number = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error('Xvfb did not start within 10 s')), 10_000);
      xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) {
          clearTimeout(timer);
          resolve(text.trim());
        }
      });
      xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it had a display`)));
    });
    return new XtermDisplay(xvfb, `:${number}`, mkdtempSync(join(tmpdir(), 'lc-xterm-')));
  }

  private runs = 0;

  /**
   * Runs `command` (a shell line) in an xterm of `cols`×`rows` with TERM=`term` and no COLORTERM, as a terminal
   * started by a user's desktop; `resources` are X resources (`XTerm*directColor: false`). Resolves when the
   * command has ended, with its exit status and every byte it wrote to the terminal.
   */
  async run(command: string, options: { cols: number; rows: number; term?: string; resources?: string[]; timeoutMs?: number }): Promise<{ status: number; output: string }> {
    const run = this.runs++;
    const log = join(this.dir, `${run}.log`);
    const status = join(this.dir, `${run}.status`);
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: this.display };
    for (const name of ['COLORTERM', 'TMUX', 'STY', 'TERM_PROGRAM', 'NO_COLOR']) delete env[name];
    const args = [
      '-geometry', `${options.cols}x${options.rows}`,
      '-tn', options.term ?? 'xterm-256color',
      ...(options.resources ?? []).flatMap((resource) => ['-xrm', resource]),
      '-l', '-lf', log,
      '-e', 'sh', '-c', `${command}; echo $? > ${status}`,
    ];
    const xterm = spawn('xterm', args, { env, stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        xterm.kill();
        reject(new Error(`xterm running "${command}" did not end within ${options.timeoutMs ?? 30_000} ms`));
      }, options.timeoutMs ?? 30_000);
      xterm.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { status: Number(readFileSync(status, 'utf8')), output: readFileSync(log, 'utf8') };
  }

  stop(): void {
    this.xvfb.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

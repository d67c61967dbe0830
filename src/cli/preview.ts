import { COLOR_MODES, resolveColorMode, type ColorMode, type ColorModeSetting } from '../media/video/color.js';
import { SYMBOL_SETS, type SymbolSet } from '../media/video/cell-symbols.js';
import type { RgbaImage } from '../media/video/image.js';
import { rgbaForFrame } from '../media/video/frames.js';
import { createPaneRenderer } from '../media/video/render-pane.js';
import { renderStill } from '../media/video/render-still.js';
import type { VideoSource } from '../media/video/source.js';
import { defaultName } from './common.js';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from './exit-codes.js';
import { openMediaSources } from './sources.js';
import { writeOutput } from './write-output.js';
import { checkColorFlag, checkCursorTerminal } from './tui-call.js';
import { colorProbesFor } from '../tui/terminal.js';
import { TerminalPacer } from '../tui/terminal-pacer.js';
import { TerminalInput } from '../tui/terminal-input.js';
import { nextInCycle } from '../util/cycle.js';
import { errorLine } from './printable.js';
import { fitGraphemes, textColumns } from '../tui/text-width.js';
import { escapeUnprintable } from '../util/unprintable.js';
import type { PreviewFlags } from './flags.js';

const FIRST_FRAME_TIMEOUT_MS = 10_000;

/** `livecomm-tui preview`: the chosen video source rendered in the terminal, live (q quits) or `--once`. */
export async function runPreview(flags: PreviewFlags, env: NodeJS.ProcessEnv): Promise<ExitCodeValue> {
  checkColorFlag(flags.color);
  if (flags.video === 'none') throw new UsageError('--video none has nothing to preview');
  if (!flags.once) {
    if (!process.stdout.isTTY || !process.stdin.isTTY) throw new UsageError('the live preview needs a terminal; use --once to print one frame');
    checkCursorTerminal(env, 'the live preview', '; use --once to print one frame');
  }
  const mode = await resolveColorMode(flags.color as ColorModeSetting, env, colorProbesFor(process.stdin, process.stdout, env));
  // In a terminal, a row is left for the prompt that follows, or the picture's top row scrolls away (as image viewers do).
  // --size is "at most the terminal's" there too: wider lines would wrap into garbage. Into a pipe or file, as given.
  const terminal = process.stdout.isTTY ? { cols: process.stdout.columns, rows: Math.max(1, process.stdout.rows - 1) } : undefined;
  const wanted = flags.size ?? terminal ?? { cols: 80, rows: 24 };
  const size = terminal ? { cols: Math.min(wanted.cols, terminal.cols), rows: Math.min(wanted.rows, terminal.rows) } : wanted;
  const notices: string[] = [];
  const { video } = await openMediaSources({ video: flags.video, audio: 'none' }, defaultName(), (message) => notices.push(message));
  // The live preview shows them in its status line: stderr would only appear once the alternate screen is gone.
  if (flags.once) for (const message of notices) process.stderr.write(errorLine(message));
  if (!video) throw new UsageError('--video none has nothing to preview');
  if (flags.once) {
    const image = await firstFrame(video);
    await writeOutput(process.stdout, renderStill(image, { cols: size.cols, rows: size.rows, mode, symbols: flags.symbols }));
    return ExitCode.OK;
  }
  return livePreview(video, mode, flags.symbols, notices.join(' '), flags.size);
}

async function firstFrame(video: VideoSource): Promise<RgbaImage> {
  try {
    return await new Promise<RgbaImage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame from ${video.description} within ${FIRST_FRAME_TIMEOUT_MS / 1000} s`)), FIRST_FRAME_TIMEOUT_MS);
      video.start(
        (frame) => {
          clearTimeout(timer);
          try {
            resolve(rgbaForFrame(frame));
          } catch (err) {
            reject(err as Error);
          }
        },
        (err) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  } catch (err) {
    // Not one frame: the source given does not work (a file ffmpeg cannot read, a camera that will not start).
    throw new CliError((err as Error).message, ExitCode.USAGE, { cause: err });
  } finally {
    await video.stop();
  }
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** CSI (arrows, reports), SS3 (keypad), OSC and DCS strings (terminal answers), or a lone ESC before another key. */
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|.)?/gs;

/**
 * The live preview's status line, at most `columns` terminal columns wide: it is written on the last row, where a
 * longer one wraps and scrolls the screen, every frame (a CJK file name took the whole picture away). What the preview
 * fell back to, when it did, says more than the source's long description, and is not cut (behind it all, at 80
 * columns it was cut to "· N"): the hints give way first. Control characters in a file name show as escapes.
 */
export function previewStatus(mode: ColorMode, symbols: SymbolSet, tail: string, columns: number): string {
  const shown = escapeUnprintable(tail);
  // Mono draws ASCII whatever the set: "mono, quadrant" named characters that were not on the screen.
  const drawing = mode === 'mono' ? `mono, ASCII (${symbols} in colour)` : `${mode}, ${symbols}`;
  const full = ` ${drawing}  ·  r colours  g symbols  q quits  ·  ${shown} `;
  const status = textColumns(full) <= columns ? full : ` ${drawing}  ·  q quits  ·  ${shown} `;
  return fitGraphemes(status, columns, textColumns);
}

/**
 * Full-screen live view on the alternate screen; r and g cycle the colour modes and symbols; q, Esc or Ctrl-C quits
 * and restores the terminal. The picture fills `box` (`--size`) at most the terminal less the status row, or all of it.
 */
async function livePreview(video: VideoSource, mode: ColorMode, symbols: SymbolSet, notice: string, box: { cols: number; rows: number } | undefined): Promise<ExitCodeValue> {
  const out = process.stdout;
  const renderer = createPaneRenderer({ mode, symbols, mirror: true, synchronized: true });
  const pacer = new TerminalPacer();
  out.write('\x1b[?1049h\x1b[?25l\x1b[2J');
  let failure: Error | undefined;
  let shown = false;
  await new Promise<void>((resolve) => {
    // Read as the call screen reads: the terminal's answers to the pacer's questions taken out of the keys.
    const input = new TerminalInput(process.stdin);
    input.setRawMode(true);
    input.resume();
    const stopReports = input.onReport((report) => {
      if (report.kind === 'status') pacer.answered();
    });
    let leaving = false;
    const quit = (): void => {
      if (leaving) return;
      leaving = true;
      void input.readLastAnswers(out).then(() => {
        for (const signal of STOP_SIGNALS) process.off(signal, quit);
        input.off('data', onKey);
        stopReports();
        out.off('resize', onResize);
        input.setRawMode(false);
        input.detach();
        resolve();
      });
    };
    const onKey = (data: Buffer): void => {
      if (leaving) return;
      const text = data.toString();
      if (text === '\x1b') return quit();
      // Keys typed quickly (or sent over SSH) arrive together ("rg", "qq"); escape sequences (arrows, the terminal's
      // own reports) are not keys.
      for (const key of text.replace(ESCAPE_SEQUENCE, '')) {
        if (key === 'q' || key === 'Q' || key === '\x03') return quit();
        // Try the colour modes and symbol sets here, before a call, to see which this terminal and font draw best.
        if (key === 'r') renderer.setOptions({ mode: nextInCycle(COLOR_MODES, renderer.options.mode) });
        if (key === 'g') renderer.setOptions({ symbols: nextInCycle(SYMBOL_SETS, renderer.options.symbols) });
      }
    };
    const onResize = (): void => {
      out.write('\x1b[2J');
      renderer.invalidate();
    };
    input.on('data', onKey);
    out.on('resize', onResize);
    // `kill` from elsewhere leaves as q does: the terminal restored, not left on the alternate screen in raw mode. (A
    // hangup needs nothing restored: Node's default, exiting at once, is right.)
    for (const signal of STOP_SIGNALS) process.on(signal, quit);
    video.start(
      (frame) => {
        // Skip, never queue, while the terminal is behind: Node's queue, or over SSH the terminal's own answers; and
        // nothing more once leaving (its question would come after the last one).
        shown = true;
        if (leaving || out.writableLength > 64 * 1024 || !pacer.mayWrite()) return;
        const { mode, symbols } = renderer.options;
        const status = previewStatus(mode, symbols, notice || video.description, out.columns);
        const cols = Math.min(box?.cols ?? Infinity, out.columns);
        const rows = Math.max(1, Math.min(box?.rows ?? Infinity, out.rows - 1));
        const bytes = renderer.render(rgbaForFrame(frame), { x: 0, y: 0, cols, rows });
        out.write(Buffer.concat([bytes, Buffer.from(`\x1b[${out.rows};1H\x1b[0m\x1b[7m${status}\x1b[0m\x1b[K${pacer.wrote()}`)]));
      },
      (err) => {
        failure = err;
        quit();
      },
    );
  });
  await video.stop();
  out.write('\x1b[0m\x1b[?25h\x1b[?1049l');
  // Not one frame: the source given does not work, as `--once` says with exit 2; exit 1 would call it our bug.
  if (failure && !shown) throw new CliError(failure.message, ExitCode.USAGE, { cause: failure });
  if (failure) throw new CliError(`the video source stopped: ${failure.message}`, ExitCode.FAILURE, { cause: failure });
  return ExitCode.OK;
}

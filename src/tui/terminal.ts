import { execFileSync } from 'node:child_process';
import blessed from 'blessed';
import { explainColorSetting, noColorRequested, terminalCanBeAsked, type ColorChoice, type ColorProbes } from '../media/video/color.js';
import { chromePaletteSize, dropColors } from './screen-colors.js';
import { TerminalInput } from './terminal-input.js';
import { ASK_KEYBOARD_FLAGS, askTerminal } from './terminal-query.js';
import { teachBlessedWideCharacters } from './wide-chars.js';

/**
 * The blessed screen, set up for video calls in real terminals, tmux and SSH:
 * - blessed picks its colour depth from terminfo, and with TERM=screen/tmux-* it drops to 8 colours (PEERS.md), so
 *   those are told to use xterm-256color terminfo: tmux passes 256 colours (and 24-bit when COLORTERM says so);
 *   with 8 (TERM=xterm, linux) it draws 16, or grey comes out black (screen-colors.ts);
 * - NO_COLOR (no-color.org) takes every colour off the screen; bold and inverse stay;
 * - stdout is made non-blocking: Node writes to a TTY synchronously, so a slow SSH link would freeze the whole
 *   process (keys, audio) inside a write; non-blocking, the video layer sees the backlog and skips frames instead;
 * - emoji take the two columns terminals give them (wide-chars.ts);
 * - the mouse reports clicks and the wheel, not every movement;
 * - bracketed paste is on, so pasted text arrives marked (PASTE_START … PASTE_END) and a line break in it is not an
 *   Enter that sends half of it and types the rest as call keys (q would leave the call);
 * - blessed reads the terminal through a TerminalInput, which takes out what the terminal reports (key releases,
 *   answers) before blessed would turn it into keys;
 * - with `keyReleases`, terminals that speak the kitty keyboard protocol are asked to report key releases, and
 *   whether they will (the answer is a `keyboard-flags` report); others ignore both.
 */
export interface TerminalOptions {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  title: string;
  /** Ask for key releases (push-to-talk). */
  keyReleases?: boolean;
}

/**
 * Inside tmux: what tmux knows the terminal showing this pane can do (`#{client_termfeatures}`, tmux ≥ 3.2, e.g.
 * `256,RGB,title,…`); undefined outside tmux, with an older tmux, or when tmux does not answer within a second.
 */
export function tmuxClientFeatures(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.TMUX) return undefined;
  try {
    const features = execFileSync('tmux', ['display-message', '-p', '#{client_termfeatures}'], {
      env,
      encoding: 'utf8',
      timeout: 1000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return features || undefined;
  } catch {
    return undefined;
  }
}

/** What `--color auto` may ask of this process's terminal: tmux's features, then the terminal itself. */
export function colorProbesFor(input: NodeJS.ReadStream, output: NodeJS.WriteStream, env: NodeJS.ProcessEnv): ColorProbes {
  return {
    tmuxClientFeatures: () => tmuxClientFeatures(env),
    terminalHasTruecolor: async () => (await askTerminal(input, output))?.truecolor,
  };
}

/** What `devices` says about the terminal it runs in. */
export interface TerminalAbilities {
  /** What `--color auto` picks here, and why. */
  color: ColorChoice;
  /** Whether push-to-talk hears Space's release (kitty keyboard protocol), and why. */
  keyReleases: { exact: boolean; because: string };
  /** Why the call screen refuses this terminal (tui-call.ts checkCursorTerminal); absent where it runs. */
  callScreenRefused?: string;
}

/** Asks the terminal on `input`/`output` (once) what it can do; undefined when they are not a terminal. */
export async function describeTerminal(input: NodeJS.ReadStream, output: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Promise<TerminalAbilities | undefined> {
  if (!input.isTTY || !output.isTTY) return undefined;
  const answers = terminalCanBeAsked(env) ? await askTerminal(input, output) : undefined;
  // Asked once for colours and key releases alike: the colour probe reads the answer already in.
  const color = await explainColorSetting('auto', env, { ...colorProbesFor(input, output, env), terminalHasTruecolor: async () => answers?.truecolor });
  const between = env.TMUX ? 'tmux' : env.STY ? 'GNU screen' : undefined;
  const keyReleases = answers?.keyboardProtocol
    ? { exact: true, because: 'the terminal reports key releases (kitty keyboard protocol)' }
    : { exact: false, because: between ? `${between} does not pass key releases on` : 'the terminal reports key presses only' };
  const refused = callScreenRefusal(env);
  return { color, keyReleases, ...(refused ? { callScreenRefused: refused } : {}) };
}

/**
 * TERM=dumb (Emacs' shell, some IDE consoles) declares a terminal without cursor movement: a screen would come out as
 * a scroll of fragments. Any other TERM gets the screen: blessed falls back to xterm's sequences for names it does not
 * know, which is what nearly every terminal understands.
 */
export function callScreenRefusal(env: NodeJS.ProcessEnv): string | undefined {
  return env.TERM === 'dumb' ? 'this terminal (TERM=dumb) cannot move its cursor' : undefined;
}

export function terminalNameFor(env: NodeJS.ProcessEnv): string {
  const term = env.TERM ?? 'xterm-256color';
  if (/^(screen|tmux)/.test(term)) return 'xterm-256color';
  return term;
}

export function createScreen(options: TerminalOptions): blessed.Widgets.Screen {
  setBlocking(options.output, false);
  teachBlessedWideCharacters();
  keepElementsOnScreen();
  const input = new TerminalInput(options.input);
  const screen = blessed.screen({
    // blessed uses what a tty stream has that it needs (raw mode, data); TerminalInput provides it.
    input: input as unknown as NodeJS.ReadStream,
    output: options.output,
    terminal: terminalNameFor(options.env),
    // Scroll regions would move video cells that blessed does not know about.
    smartCSR: false,
    fastCSR: false,
    fullUnicode: true,
    forceUnicode: true,
    autoPadding: true,
    warnings: false,
    title: options.title,
    dockBorders: false,
    ignoreLocked: ['C-c'],
  });
  // Nor for an element as wide as the screen (the chat below the panes), which blessed scrolls with a scroll region
  // whatever the flags say: in a terminal too small for the layout that region lies off the screen and garbles it.
  (screen as unknown as { cleanSides(): boolean }).cleanSides = () => false;
  // UTF-8 box drawing instead of the VT100 alternate character set: ACS shows as "lqqk" in tmux captures and some
  // SSH clients, and every terminal that runs a UTF-8 locale has the box characters.
  const tput = screen.tput as unknown as { brokenACS: boolean; colors: number };
  tput.brokenACS = true;
  // xterm's and linux's terminfo say 8 colours: blessed would draw grey as black (screen-colors.ts).
  tput.colors = chromePaletteSize(tput.colors);
  if (noColorRequested(options.env)) dropColors(screen);
  // After blessed's switch to the alternate screen at its first render: tmux gives that screen modes of its own.
  screen.once('render', () => {
    // blessed holds its output until the next tick: the switch goes out first.
    screen.program.flush();
    options.output.write(BRACKETED_PASTE_ON + NO_MOUSE_MOTION + (options.keyReleases ? REPORT_KEY_RELEASES + ASK_KEYBOARD_FLAGS : ''));
  });
  if (options.keyReleases) keyReleasesAsked.add(screen);
  return screen;
}

/** What blessed's Element.prototype._getCoords returns (not in @types/blessed): where it draws, right and bottom exclusive. */
interface DrawnCoords {
  xl: number;
  yl: number;
  noright?: boolean;
  nobot?: boolean;
}
interface PlacedElement {
  screen: { cols: number; rows: number };
  _getCoords(get?: boolean, noscroll?: boolean): DrawnCoords | undefined;
}
let keptOnScreen = false;

/**
 * Elements are drawn only as far as the screen's right and bottom edges. blessed draws once at a new size before the
 * call screen lays out again (its own 'resize' listener comes first): made narrower, the chat stood past the new right
 * edge, and blessed, which stops a row at the edge and draws the rest of it at the start of the next, put a mark that
 * joins the cell before (the joiner in 👩‍💻, an accent) in the cell before that row, past the edge: a TypeError that
 * ended the program. Cut at the edge, as blessed cuts an element inside a scrolling one, rows stay in their cells.
 */
export function keepElementsOnScreen(): void {
  if (keptOnScreen) return;
  keptOnScreen = true;
  const element = (blessed as unknown as { Element: { prototype: PlacedElement } }).Element.prototype;
  const getCoords = element._getCoords;
  element._getCoords = function (this: PlacedElement, get?: boolean, noscroll?: boolean): DrawnCoords | undefined {
    const coords = getCoords.call(this, get, noscroll);
    if (coords && coords.xl > this.screen.cols) {
      coords.xl = this.screen.cols;
      coords.noright = true;
    }
    if (coords && coords.yl > this.screen.rows) {
      coords.yl = this.screen.rows;
      coords.nobot = true;
    }
    return coords;
  };
}

/** What the screen reads: the terminal's input with its reports taken out. */
export function terminalInputOf(screen: blessed.Widgets.Screen): TerminalInput | undefined {
  const input: unknown = screen.program.input;
  return input instanceof TerminalInput ? input : undefined;
}

/**
 * Kitty keyboard protocol: push flags 2 + 8 + 16 (event types, every key as an escape code, with its text;
 * terminal-reports.ts says why 8) onto the terminal's stack for this screen, and pop them on the way out.
 */
const REPORT_KEY_RELEASES = '\x1b[>26u';
const RESTORE_KEYBOARD_FLAGS = '\x1b[<u';
const keyReleasesAsked = new WeakSet<blessed.Widgets.Screen>();

const BRACKETED_PASTE_ON = '\x1b[?2004h';
/**
 * blessed asks for every mouse movement (mode 1003); the call needs clicks and the wheel only (1000), and each
 * movement over the window would be a report sent up the SSH link and read between video frames. Terminals keep one
 * tracking mode, which resetting 1003 turns off altogether: 1000 is set again after.
 */
const NO_MOUSE_MOTION = '\x1b[?1003l\x1b[?1002l\x1b[?1000h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';
/** What the terminal sends before and after pasted text while bracketed paste is on (blessed's key `sequence`). */
export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

/** Handle with libuv's setBlocking, which Node's TTY streams have but do not type. */
interface BlockingHandle {
  setBlocking?: (blocking: boolean) => number;
}

function setBlocking(output: NodeJS.WriteStream, blocking: boolean): void {
  const handle = (output as unknown as { _handle?: BlockingHandle })._handle;
  handle?.setBlocking?.(blocking);
}

/**
 * Tears the screen down and gives the terminal back as we found it: everything written reaches it, and the tty is
 * blocking again. O_NONBLOCK belongs to the open file that the shell shares with us: left set, the shell's next
 * write (even an `echo`) fails with EAGAIN while the terminal is busy.
 */
export async function destroyScreen(screen: blessed.Widgets.Screen, output: NodeJS.WriteStream, { terminalGone = false } = {}): Promise<void> {
  const input = terminalInputOf(screen);
  // Keyboard flags are taken back on the alternate screen, where they were set (each screen has its own).
  if (keyReleasesAsked.has(screen)) output.write(RESTORE_KEYBOARD_FLAGS);
  // A terminal that hung up answers nothing and reads nothing: no waiting for either.
  if (!terminalGone) await input?.readLastAnswers(output);
  screen.destroy();
  input?.detach();
  output.write(BRACKETED_PASTE_OFF);
  if (!terminalGone && output.writableLength > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      output.once('drain', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  setBlocking(output, true);
}

/** The parts of blessed's screen buffers that {@link repaintArea} needs; blessed does not type them. */
interface ScreenBuffers {
  /** What the next render wants on the terminal; a line not marked dirty is skipped. */
  lines: Array<Array<[number, string]> & { dirty?: boolean }>;
  /** What blessed believes is on the terminal: [attributes, character] per cell. */
  olines: Array<Array<[number, string]>>;
}

/** An attribute value blessed never produces, so no wanted cell can match it. */
const UNKNOWN_ATTR = -1;

/**
 * Makes blessed's next render rewrite every cell of an area whatever it believes is there. The video layer writes
 * cells behind blessed's back; where video is gone blessed would leave the last picture, since its own buffer says
 * those cells are already blank (docs/rendering.md §3).
 */
export function repaintArea(screen: blessed.Widgets.Screen, area: { x: number; y: number; cols: number; rows: number }): void {
  const { lines, olines } = screen as unknown as ScreenBuffers;
  for (let y = Math.max(0, area.y); y < Math.min(area.y + area.rows, olines.length); y++) {
    const known = olines[y]!;
    for (let x = Math.max(0, area.x); x < Math.min(area.x + area.cols, known.length); x++) known[x]![0] = UNKNOWN_ATTR;
    const wanted = lines[y];
    if (wanted) wanted.dirty = true;
  }
}

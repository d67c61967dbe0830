import { format } from 'node:util';
import type { Call } from '../client/call.js';
import type { SpeakerLoop } from '../client/speaker-loop.js';
import { resolveColorMode, isColorModeSetting, type ColorModeSetting } from '../media/video/color.js';
import type { SymbolSet } from '../media/video/cell-symbols.js';
import { CallScreen } from '../tui/call-screen.js';
import { ClipboardWriter } from '../tui/clipboard.js';
import { callScreenRefusal, colorProbesFor, createScreen, destroyScreen } from '../tui/terminal.js';
import { UsageError } from './exit-codes.js';
import { openLogFile, reportLogFailure, type LogFile } from './log-file.js';

export interface TuiCallOptions {
  call: Call;
  speaker: SpeakerLoop;
  color: string;
  symbols?: SymbolSet | undefined;
  selfName: string;
  room: string;
  address: string;
  tlsFingerprint?: string;
  joinLine?: string;
  /** Where anything that would print (server logs, warnings) goes while the screen is up. */
  logFile: string;
  /** false: `logFile` is the default, not --log-file, so one that cannot be opened does not stop the call. */
  logFileAsked?: boolean;
  /** The same file already open (host, demo: their server logs there, and says when it cannot). */
  log?: LogFile;
  notices: string[];
  /**
   * Runs as soon as the call has ended, before the terminal is given back (which may wait on a slow link): a host
   * ends the call for everyone here, not seconds later.
   */
  onCallEnded?: () => Promise<void>;
}

/** Checks `--color` before anything starts. */
export function checkColorFlag(color: string): void {
  if (!isColorModeSetting(color)) throw new UsageError(`--color must be auto, truecolor, 256, 16 or mono, not "${color}"`);
}

/**
 * Checks, before any device or socket is opened, what the call screen needs: a valid `--color`, and (unless
 * headless) a terminal on stdin and stdout that can move its cursor. `headlessHint`: the command has --headless to
 * suggest.
 */
export function checkScreenFlags(flags: { color: string; headless?: boolean; transmit?: string }, headlessHint = true): void {
  checkColorFlag(flags.color);
  if (flags.headless && flags.transmit === 'ptt') {
    throw new UsageError('--transmit ptt needs the call screen: with --headless there is no key to hold (use voice or continuous)');
  }
  if (flags.headless) return;
  const hint = headlessHint ? '; use --headless for scripts and pipes' : '';
  if (!process.stdout.isTTY || !process.stdin.isTTY) throw new UsageError(`the call screen needs a terminal${hint}`);
  checkCursorTerminal(process.env, 'the call screen', hint);
}

/** A terminal the call screen cannot draw on (terminal.ts callScreenRefusal): one sentence, exit 2. */
export function checkCursorTerminal(env: NodeJS.ProcessEnv, what: string, hint: string): void {
  const refusal = callScreenRefusal(env);
  if (refusal) throw new UsageError(`${refusal}, which ${what} needs; run it in a terminal emulator${hint}`);
}

/**
 * Runs the call screen until the call ends; returns the chat line typed and not sent ('' when none). While it runs
 * nothing but the screen writes to the terminal: console output and stray writes to stderr go to the log file
 * (SPEC §4, "nothing else writes to the terminal").
 */
export async function runTuiCall(options: TuiCallOptions): Promise<string> {
  const log = options.log ?? openLogFile(options.logFile, { asked: options.logFileAsked ?? true });
  // Asked before the screen reads the terminal: the answers would otherwise arrive as keys.
  const colorMode = await resolveColorMode(options.color as ColorModeSetting, process.env, colorProbesFor(process.stdin, process.stdout, process.env));
  const restoreOutput = divertStrayOutput(log);
  // Before the screen: building it takes ~0.1 s with the terminal raw already, and a signal meanwhile would end the
  // process by Node's default, leaving it so. Handled, the signal waits for the screen and then leaves the call.
  const hangup = leaveOnHangup(options.call);
  const screen = createScreen({ input: process.stdin, output: process.stdout, env: process.env, title: 'livecomm-tui', keyReleases: options.call.transmit === 'ptt' });
  const view = new CallScreen({
    call: options.call,
    screen,
    output: process.stdout,
    colorMode,
    ...(options.symbols ? { symbols: options.symbols } : {}),
    selfName: options.selfName,
    room: options.room,
    address: options.address,
    ...(options.tlsFingerprint ? { tlsFingerprint: options.tlsFingerprint } : {}),
    ...(options.joinLine ? { joinLine: options.joinLine, clipboard: new ClipboardWriter(process.stdout, process.env) } : {}),
    playout: options.speaker,
  });
  if (!options.log) reportLogFailure(log, options.notices, (message) => options.call.emitNotice(message));
  for (const message of options.notices) options.call.emitNotice(message);
  options.speaker.start();
  options.call.start();
  await view.done;
  await options.onCallEnded?.();
  await options.speaker.stop();
  await destroyScreen(screen, process.stdout, { terminalGone: hangup.terminalGone });
  // Only now: restoring the terminal writes to it too.
  hangup.stop();
  restoreOutput();
  if (!options.log) log.end();
  return view.unsentChat;
}

/**
 * Closing the terminal window or losing the SSH session (SIGHUP), `kill` and service managers (SIGTERM), and SIGINT
 * sent from elsewhere (in the call screen Ctrl-C is a key) leave the call as Ctrl-C does: the others see us leave, and
 * a host ends the call for everyone instead of vanishing into their reconnect loops. After a hangup the terminal is
 * gone and writes to it fail; those failures must not end the process before the goodbye is sent, and nothing waits
 * for the gone terminal's answers when the screen is taken down (`terminalGone`).
 */
function leaveOnHangup(call: { leave(): Promise<void> }): { stop(): void; readonly terminalGone: boolean } {
  let gone = false;
  const leave = (): void => void call.leave();
  // SIGHUP, or EIO or EPIPE from a closed terminal: nothing more can be shown or read; leave.
  const terminalGone = (): void => {
    gone = true;
    leave();
  };
  const signals = ['SIGTERM', 'SIGINT'] as const;
  for (const signal of signals) process.on(signal, leave);
  process.on('SIGHUP', terminalGone);
  process.stdout.on('error', terminalGone);
  process.stdin.on('error', terminalGone);
  return {
    get terminalGone() {
      return gone;
    },
    stop: () => {
      for (const signal of signals) process.off(signal, leave);
      process.off('SIGHUP', terminalGone);
      process.stdout.off('error', terminalGone);
      process.stdin.off('error', terminalGone);
      // Writes to a terminal that hung up fail from here on too (the sentence the call ended with), unread: unheard of,
      // they would end the process as an uncaught error (exit 1) after a clean leave.
      if (gone) for (const stream of [process.stdout, process.stderr, process.stdin]) stream.on('error', () => {});
    },
  };
}

/** Sends console.* and process.stderr writes to the log; returns the undo. */
function divertStrayOutput(log: LogFile): () => void {
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info, stderrWrite: process.stderr.write };
  const toLog = (...args: unknown[]): void => {
    log.write(`${new Date().toISOString()} ${format(...args)}\n`);
  };
  console.log = console.error = console.warn = console.info = toLog;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    log.write(chunk);
    return true;
  }) as typeof process.stderr.write;
  return () => {
    console.log = saved.log;
    console.error = saved.error;
    console.warn = saved.warn;
    console.info = saved.info;
    process.stderr.write = saved.stderrWrite;
  };
}

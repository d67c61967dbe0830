/**
 * Asking the terminal itself what it can do, in one round trip: whether it shows 24-bit colour, for `--color auto`
 * where the environment does not say (over SSH, COLORTERM stays behind unless ssh is told to send it), and whether it
 * speaks the kitty keyboard protocol (key releases, for push-to-talk; `devices` shows both). Colour the way notcurses
 * and Neovim ask:
 * - set a foreground of an unlikely 24-bit colour and ask for the current SGR back (DECRQSS `m`): a terminal that
 *   keeps 24-bit colour answers with it (xterm `0;38:2::1:2:3`), one that maps it to its palette answers with the
 *   palette entry (xterm with directColor off: `0;38:5:16`), one without DECRQSS says nothing;
 * - ask for the terminfo capability RGB (XTGETTCAP; kitty, foot and WezTerm answer it);
 * then the keyboard protocol's flags (`CSI ? u`; only terminals that speak it answer); then the primary device
 * attributes (DA1), which every terminal answers, and last: answers come in order, so once DA1's is in, everything
 * the terminal was going to say has been said, and nobody waits for a timeout.
 */

const PROBE_RGB = [1, 2, 3] as const;
const SET_PROBE_COLOR = `\x1b[38;2;${PROBE_RGB.join(';')}m`;
const ASK_SGR = '\x1bP$qm\x1b\\';
const RESET_SGR = '\x1b[0m';
/** "RGB" in hex, as XTGETTCAP names capabilities. */
const RGB_CAPABILITY_HEX = '524742';
const ASK_RGB_CAPABILITY = `\x1bP+q${RGB_CAPABILITY_HEX}\x1b\\`;
/** The kitty keyboard protocol's flags (`CSI ? flags u` back, from terminals that speak it). */
export const ASK_KEYBOARD_FLAGS = '\x1b[?u';
/** Primary device attributes: every terminal answers, and after everything it was asked before. */
export const ASK_DEVICE_ATTRIBUTES = '\x1b[c';

/** Written once; the answers come back on the terminal's input. */
export const TERMINAL_QUERY = SET_PROBE_COLOR + ASK_SGR + RESET_SGR + ASK_RGB_CAPABILITY + ASK_KEYBOARD_FLAGS + ASK_DEVICE_ATTRIBUTES;

/** DECRQSS answer for SGR: `ESC P 1 $ r <parameters> m ESC \` (1 = valid request). */
const SGR_ANSWER = /\x1bP1\$r([0-9:;]*)m\x1b\\/;
/** The probe colour in any spelling terminals use: `38;2;1;2;3`, `38:2:1:2:3`, or with a colour space `38:2::1:2:3`. */
const PROBE_IN_SGR = new RegExp(`(^|;)38[:;]2[:;]{1,2}${PROBE_RGB.join('[:;]')}(;|$)`);
/** XTGETTCAP's answer that RGB is a capability: `ESC P 1 + r 524742[=value] ESC \`. */
const RGB_CAPABILITY_ANSWER = new RegExp(`\\x1bP1\\+r${RGB_CAPABILITY_HEX}(=[0-9A-Fa-f]*)?\\x1b\\\\`);
/** The keyboard protocol's flags: `ESC [ ? <flags> u`. */
const KEYBOARD_FLAGS_ANSWER = /\x1b\[\?\d+u/;
/** DA1's answer: `ESC [ ? <attributes> c`. */
const DEVICE_ATTRIBUTES_ANSWER = /\x1b\[\?[0-9;]*c/;

export interface TerminalAnswers {
  /** The terminal has said all it will (its DA1 answer is in). */
  complete: boolean;
  /** It kept the probe's 24-bit colour or claimed the RGB capability. */
  truecolor: boolean;
  /** It answered with its keyboard-protocol flags: it can report key releases. */
  keyboardProtocol: boolean;
}

/** Reads what a terminal sent back for {@link TERMINAL_QUERY} (anything else in `received` is ignored). */
export function readTerminalAnswers(received: string): TerminalAnswers {
  const sgr = SGR_ANSWER.exec(received)?.[1];
  return {
    complete: DEVICE_ATTRIBUTES_ANSWER.test(received),
    truecolor: (sgr !== undefined && PROBE_IN_SGR.test(sgr)) || RGB_CAPABILITY_ANSWER.test(received),
    keyboardProtocol: KEYBOARD_FLAGS_ANSWER.test(received),
  };
}

/**
 * Long enough for a very slow SSH link's round trip: answers that came later would be typed into the shell after
 * `preview --once` (the call screen's TerminalInput takes them out; terminal-reports.ts). Only a terminal that never
 * answers DA1 waits this long.
 */
const ANSWER_TIMEOUT_MS = 3000;

/**
 * Sends {@link TERMINAL_QUERY} and reads the answers in raw mode, before anything else reads the terminal.
 * Resolves undefined when input or output is not a terminal or nothing came back in time. Keys typed during the
 * round trip are dropped with the answers.
 */
export async function askTerminal(
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<TerminalAnswers | undefined> {
  if (!input.isTTY || !output.isTTY) return undefined;
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  let received = '';
  // Ended while the terminal is raw (up to 3 s before a terminal that never answers): its mode back first, then the
  // signal's own ending; killed as it was, it stayed raw for the shell. Ctrl-C typed meanwhile is a byte, not SIGINT.
  const restore = (): void => {
    input.pause();
    input.setRawMode(wasRaw);
  };
  const endSignals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  const interrupted = (signal: NodeJS.Signals): void => {
    for (const each of endSignals) process.off(each, interrupted);
    restore();
    process.kill(process.pid, signal);
  };
  for (const signal of endSignals) process.on(signal, interrupted);
  try {
    return await new Promise<TerminalAnswers | undefined>((resolve) => {
      const finish = (answers: TerminalAnswers | undefined): void => {
        clearTimeout(timer);
        input.off('data', onData);
        resolve(answers);
      };
      const onData = (chunk: Buffer | string): void => {
        const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
        if (text.includes(CTRL_C)) return interrupted('SIGINT');
        received += text;
        const answers = readTerminalAnswers(received);
        if (answers.complete) finish(answers);
      };
      // A terminal that answered some questions but not DA1 in time still told us what it said.
      const timer = setTimeout(() => finish(received ? readTerminalAnswers(received) : undefined), timeoutMs);
      input.on('data', onData);
      output.write(TERMINAL_QUERY);
    });
  } finally {
    for (const signal of endSignals) process.off(signal, interrupted);
    restore();
  }
}

const CTRL_C = '\x03';

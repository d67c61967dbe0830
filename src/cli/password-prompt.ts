/**
 * Asking for a room password on the terminal, as ssh does: the prompt on the terminal, nothing echoed, Enter ends
 * it, Ctrl-C or Ctrl-D gives up. Only for the call screen with a terminal on stdin; headless mode and pipes keep the
 * refusal that names --password-file.
 */

/** Where typing a hidden line stands: the text so far, and whether Enter ended it or Ctrl-C / Ctrl-D gave up. */
export interface HiddenLine {
  text: string;
  done: 'entered' | 'cancelled' | undefined;
}

/**
 * Feeds what the terminal sent (raw mode) into a hidden line: printable characters are kept, Backspace takes one
 * back, Ctrl-U clears the line, Enter ends it, Ctrl-C or Ctrl-D (on an empty line, as a shell's EOF) gives up.
 * Escape sequences (arrow keys) are dropped whole. Pure.
 */
export function typeHidden(line: HiddenLine, input: string): HiddenLine {
  let { text } = line;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (ch === '\r' || ch === '\n') return { text, done: 'entered' };
    if (ch === '\x03' || (ch === '\x04' && text === '')) return { text: '', done: 'cancelled' };
    if (ch === '\x7f' || ch === '\b') text = [...text].slice(0, -1).join('');
    else if (ch === '\x15') text = '';
    else if (ch === '\x1b') {
      // CSI or SS3: ESC [ or O, parameters, then one final byte.
      const match = /^\x1b(?:\[[0-?]*[ -/]*[@-~]|O.)?/.exec(input.slice(i));
      i += (match?.[0].length ?? 1) - 1;
    } else if (!/\p{Cc}/u.test(ch)) text += ch;
  }
  return { text, done: undefined };
}

/**
 * Writes `prompt` to `output` and reads a line from the terminal `input` without echo. Resolves with the text, or
 * undefined when the user gave up (Ctrl-C, Ctrl-D) or entered nothing.
 */
export function askHidden(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WritableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    let line: HiddenLine = { text: '', done: undefined };
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.resume();
    output.write(prompt);
    const onData = (chunk: Buffer): void => {
      line = typeHidden(line, chunk.toString('utf8'));
      if (!line.done) return;
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      resolve(line.done === 'entered' && line.text !== '' ? line.text : undefined);
    };
    input.on('data', onData);
  });
}

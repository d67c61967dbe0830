import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatPanel } from '../../src/tui/chat-panel.js';
import { KeyRouter, isTextBurst } from '../../src/tui/key-router.js';
import { MAX_CHAT_INPUT } from '../../src/tui/line-editor.js';
import { Overlay } from '../../src/tui/overlays.js';

/** A real blessed screen reading keys from a stream (as from a terminal), and what the router handed on. */
function setUp({ names = [], chatShown = () => true, size }: { names?: readonly string[]; chatShown?: () => boolean; size?: { columns: number; rows: number } } = {}) {
  // Streams, not a tty: exact key bytes, in-process; the tmux tests (integration/tui.test.ts) type into a real one.
  const input = new PassThrough();
  // With a size, drawn into memory at that size (screen.lines); else blessed takes it for 1×1.
  const output = Object.assign(new PassThrough(), size ?? {});
  output.resume();
  const screen = blessed.screen({ input: input as never, output: output as never, fullUnicode: true, warnings: false });
  const chat = new ChatPanel(screen, () => names);
  chat.place({ x: 0, y: 0, width: 40, height: 10 });
  const overlay = new Overlay(screen);
  const got = { callKeys: [] as string[], sent: [] as string[], leaves: 0, closes: 0, password: [] as string[] };
  const router = new KeyRouter(screen, chat, overlay, {
    callKey: (full) => {
      got.callKeys.push(full);
      if (full === 'c') router.startTyping();
    },
    leaveNow: () => got.leaves++,
    closeOverlay: () => {
      got.closes++;
      overlay.hide();
    },
    passwordKey: (ch, key, pasted) => void got.password.push(`${pasted ? 'paste ' : ''}${key.full ?? ch}`),
    sendChat: (text) => got.sent.push(text),
    changed: () => {},
    chatShown,
  });
  const unbind = router.bind();
  screens.push(screen);
  /** Bytes as the terminal sends them, in one read. */
  const type = (bytes: string): void => void input.write(bytes);
  return { screen, chat, overlay, got, type, unbind };
}

const screens: blessed.Widgets.Screen[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.destroy();
});

describe('KeyRouter: where each key of the call screen goes', () => {
  it('hands call keys on by their blessed names', () => {
    const { got, type } = setUp();
    type('m');
    type('\t');
    type('\x1b[A');
    expect(got.callKeys).toEqual(['m', 'tab', 'up']);
  });

  it('the password line takes every key and paste while it shows: no call key, no chat, Ctrl-C is its own', () => {
    const { chat, overlay, got, type } = setUp();
    overlay.show('password', () => 'password');
    for (const ch of 'qc') type(ch);
    type('\x03');
    type('\x1b[200~pw\r\x1b[201~');
    // Without bracketed paste: a burst of text.
    type('letmein');
    type('\r');
    expect(got.callKeys).toEqual([]);
    expect(got.leaves).toBe(0);
    expect(chat.typing).toBe(false);
    expect(got.password.slice(0, 3)).toEqual(['q', 'c', 'C-c']);
    expect(got.password).toContain('paste p');
    expect(got.password.filter((k) => k === 'enter')).toHaveLength(1);
  });

  it('an open chat line takes every key: q and m are text, Enter sends the line', () => {
    const { chat, got, type } = setUp();
    type('c');
    expect(chat.typing).toBe(true);
    for (const ch of 'quit me') type(ch);
    type('\r');
    expect(got.sent).toEqual(['quit me']);
    expect(got.callKeys).toEqual(['c']);
  });

  it('pasted text is chat whatever it holds, line breaks included, and opens the chat line', () => {
    const { chat, got, type } = setUp();
    type('\x1b[200~mute\rq\x1b[201~');
    expect(chat.typing).toBe(true);
    expect(chat.unsent).toBe('mute q');
    expect(got.callKeys).toEqual([]);
    expect(got.sent).toEqual([]);
  });

  it('text pasted without bracketed paste while the chat line is closed opens it; two or three fast keys stay call keys', async () => {
    const { chat, got, type } = setUp();
    type('quit and leave');
    expect(chat.typing).toBe(true);
    expect(chat.unsent).toBe('quit and leave');
    expect(got.callKeys).toEqual([]);
    expect(got.leaves).toBe(0);
    // c and the first words after it in one read (a slow link): the c opened the line, the rest is the text.
    const typist = setUp();
    typist.type('chello');
    expect(typist.chat.unsent).toBe('hello');
    expect(typist.got.callKeys).toEqual([]);
    // A longer text starting with c is a paste, whole (its c lost, "an you hear me?" went out).
    const paster = setUp();
    paster.type('can you hear me?\r');
    expect(paster.got.sent).toEqual(['can you hear me?']);
    // Enter, a line and Enter in one read: the first Enter opened the line, the last sends it.
    const enterFirst = setUp();
    enterFirst.type('\rhello\r');
    expect(enterFirst.got.sent).toEqual(['hello']);
    // Keys typed fast over SSH may share a read: those are keys.
    const other = setUp();
    other.type('mv');
    expect(other.got.callKeys).toEqual(['m', 'v']);
    expect(other.chat.typing).toBe(false);
  });

  it('Enter sends and the chat line stays open: the next message is text, not call keys; Esc or an empty Enter closes it', async () => {
    const { chat, got, type } = setUp();
    // One key a read, as typed: "ok", Enter, then "qu" (which left the call when the line closed after a send).
    for (const key of ['c', 'o', 'k', '\r', 'q', 'u']) type(key);
    expect(got.sent).toEqual(['ok']);
    expect(chat.typing).toBe(true);
    expect(chat.unsent).toBe('qu');
    expect(got.callKeys).toEqual(['c']);
    // Esc closes it (blessed tells the Esc key from Alt-x by a pause after it).
    type('\x1b');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(chat.typing).toBe(false);
    type('m');
    expect(got.callKeys).toEqual(['c', 'm']);
    // Enter on an empty line closes it too (Ctrl-U empties the "qu" Esc kept), and the Enter's twin does nothing more.
    type('c');
    type('\x15');
    type('\r');
    expect(chat.typing).toBe(false);
    expect(got.sent).toEqual(['ok']);
    type('v');
    expect(got.callKeys).toEqual(['c', 'm', 'c', 'v']);
  });

  it('a line sent by a burst leaves the chat line open for the next; an empty line that closes it is not reopened by its twin', () => {
    // c, the words and Enter in one read (tmux send-keys, or a slow link): the line goes out and stays open.
    const { chat, got, type } = setUp();
    type('chey\r');
    expect(got.sent).toEqual(['hey']);
    expect(chat.typing).toBe(true);
    type('m');
    expect(chat.unsent).toBe('m');
    expect(got.callKeys).toEqual([]);
    // A paste of one line and its line break, without bracketed paste: sent, the line open after it.
    const paster = setUp();
    paster.type('quick question\r');
    expect(paster.got.sent).toEqual(['quick question']);
    expect(paster.chat.typing).toBe(true);
    // ... ending in a blank line: the empty Enter closes the line, and the 'return' blessed reports after it is no
    // burst key to open it again.
    const blank = setUp();
    blank.type('last one\r\r');
    expect(blank.got.sent).toEqual(['last one']);
    expect(blank.chat.typing).toBe(false);
  });

  it('a held key\'s repeats in one read are keys, not a paste: push-to-talk\'s Space, a volume key', () => {
    expect(isTextBurst('    ')).toBe(false);
    expect(isTextBurst('++++++')).toBe(false);
    expect(isTextBurst('  \r  ')).toBe(false);
    expect(isTextBurst('a  b')).toBe(true);
    expect(isTextBurst('++-+')).toBe(true);
    const { chat, got, type } = setUp();
    type('    ');
    type('+++++');
    expect(chat.typing).toBe(false);
    expect(got.callKeys).toEqual([...Array(4).fill('space'), ...Array(5).fill('+')]);
  });

  it('tabs in pasted text are spaces, bracketed or not: never dropped, never name completion', async () => {
    const { chat, type } = setUp();
    type('\x1b[200~col1\tcol2\x1b[201~');
    expect(chat.unsent).toBe('col1 col2');
    const unbracketed = setUp({ names: ['bob'] });
    unbracketed.type('see b\tcol2');
    expect(unbracketed.chat.unsent).toBe('see b col2');
    // Typed, on a later turn, Tab completes the name.
    await new Promise((resolve) => setImmediate(resolve));
    unbracketed.type('\x15');
    unbracketed.type('b');
    unbracketed.type('\t');
    expect(unbracketed.chat.unsent).toBe('bob:');
  });

  it('a long paste is kept whole up to what the line holds, and what is left out is said, not dropped silently', () => {
    const { chat, screen, type } = setUp();
    type(`\x1b[200~${'x'.repeat(2500)}\x1b[201~`);
    expect(chat.unsent).toHaveLength(2500);
    type(`\x1b[200~${'y'.repeat(MAX_CHAT_INPUT)}\x1b[201~`);
    expect(chat.unsent).toHaveLength(MAX_CHAT_INPUT);
    const log = (): string => screen.children.map((c) => (c as blessed.Widgets.BoxElement).getContent?.() ?? '').join('\n');
    expect(log().split('the rest of what you pasted was left out')).toHaveLength(2);
    // Emptied (Ctrl-U) and filled past the brim again: that paste lost text too, and is told so.
    type('\x15');
    type(`\x1b[200~${'z'.repeat(MAX_CHAT_INPUT + 5)}\x1b[201~`);
    expect(chat.unsent).toBe('z'.repeat(MAX_CHAT_INPUT));
    expect(log().split('the rest of what you pasted was left out')).toHaveLength(3);
  });

  it('line breaks inside text pasted without bracketed paste are spaces: one message, none sent, nothing a call key', async () => {
    // tmux's paste-buffer without -p: the line breaks come as CRs.
    const { chat, got, type } = setUp();
    type('first\rsecond\rthird');
    expect(got.sent).toEqual([]);
    expect(chat.typing).toBe(true);
    expect(chat.unsent).toBe('first second third');
    const crlf = setUp();
    crlf.type('c');
    crlf.type('one\r\ntwo\nthree\r');
    // The break at the end is the Enter that sends it.
    expect(crlf.got.sent).toEqual(['one two three']);
  });

  it('text in the same read right behind a line break (a paste without bracketed paste) stays chat', async () => {
    const { chat, got, type } = setUp();
    type('c');
    type('hi\rmq');
    expect(got.sent).toEqual([]);
    expect(chat.unsent).toBe('hi mq');
    expect(got.callKeys).toEqual(['c']);
    // On a later turn, after Escape closes the line, a key is a call key again.
    await new Promise((resolve) => setImmediate(resolve));
    type('\x1b');
    await new Promise((resolve) => setTimeout(resolve, 80));
    type('m');
    expect(got.callKeys).toEqual(['c', 'm']);
  });

  it('PgUp/PgDn scroll the chat with the chat line open too, as with it closed; the line is left as it was', () => {
    const { chat, got, type } = setUp();
    type('c');
    type('re');
    type('\x1b[5~');
    type('\x1b[6~');
    type(':');
    expect(got.callKeys).toEqual(['c', 'pageup', 'pagedown']);
    expect(chat.typing).toBe(true);
    expect(chat.unsent).toBe('re:');
  });

  it('End in the open chat line goes to its end, and pressed there to the newest chat line, as with the line closed', () => {
    const { chat, got, type } = setUp();
    type('c');
    type('ab');
    type('\x1b[D');
    type('\x1b[F');
    expect(got.callKeys).toEqual(['c']);
    expect(chat.cursorAtEnd).toBe(true);
    type('\x1b[F');
    expect(got.callKeys).toEqual(['c', 'end']);
    expect(chat.typing).toBe(true);
    expect(chat.unsent).toBe('ab');
  });

  it('Esc closes the chat line on a draft and keeps it: the hint says so, c brings it back, leaving still has it', async () => {
    const { chat, screen, type } = setUp();
    type('c');
    type('half a thought');
    type('\x1b');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(chat.typing).toBe(false);
    // What leaving prints ("your chat line was not sent: …"), as it did only with the line open (Ctrl-C).
    expect(chat.unsent).toBe('half a thought');
    const shown = (): string => screen.children.map((c) => (c as blessed.Widgets.BoxElement).getContent?.() ?? '').join('\n');
    // All of the draft fits the 38-column line after the short hint (the long one left 6 columns: 'half a…').
    expect(shown()).toContain('› c: unsent: half a thought');
    type('c');
    expect(chat.typing).toBe(true);
    expect(chat.unsent).toBe('half a thought');
    expect(shown()).not.toContain('back to your unsent line');
  });

  it('while the chat line cannot show (a terminal too small for it), keys are call keys and pasted text waits in its draft', async () => {
    let shown = false;
    const { chat, got, type } = setUp({ chatShown: () => shown });
    type('c');
    expect(chat.typing).toBe(false);
    // Pasted, bracketed or not: kept for the chat line, none of it a call key.
    type('\x1b[200~mute\x1b[201~');
    await new Promise((resolve) => setImmediate(resolve));
    type(' and quit');
    expect(chat.typing).toBe(false);
    expect(chat.unsent).toBe('mute and quit');
    await new Promise((resolve) => setImmediate(resolve));
    type('q');
    expect(got.callKeys).toEqual(['c', 'q']);
    // Room again: c opens the line with it.
    shown = true;
    type('c');
    expect(chat.typing).toBe(true);
    expect(chat.unsent).toBe('mute and quit');
  });

  it('text pasted without bracketed paste over an overlay is chat too: not call keys through the stats, not y to the leave question', () => {
    const { chat, overlay, got, type } = setUp();
    overlay.show('stats', () => 'stats');
    type('vim is great');
    expect(got.callKeys).toEqual([]);
    expect(chat.typing).toBe(true);
    expect(chat.unsent).toBe('vim is great');
    const asked = setUp();
    asked.overlay.show('confirm-leave', () => 'Leave?');
    asked.type('yes, one more thing');
    expect(asked.got.leaves).toBe(0);
    expect(asked.got.closes).toBe(0);
    expect(asked.chat.unsent).toBe('yes, one more thing');
  });

  it('opening the chat line closes help or stats first; under the leave question nothing opens it and y answers', async () => {
    const turn = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));
    const help = setUp();
    help.overlay.show('help', () => 'keys');
    help.type('\x1b[200~hello\x1b[201~');
    expect(help.overlay.kind).toBeUndefined();
    expect(help.chat.typing).toBe(true);
    expect(help.chat.unsent).toBe('hello');
    const stats = setUp();
    stats.overlay.show('stats', () => 'stats');
    stats.type('c');
    expect(stats.overlay.kind).toBeUndefined();
    expect(stats.chat.typing).toBe(true);
    stats.type('vim is great');
    await turn();
    stats.type('\x1b');
    await new Promise((resolve) => setTimeout(resolve, 80));
    // A burst over the stats: the line opens in front of them, which close.
    const burst = setUp();
    burst.overlay.show('stats', () => 'stats');
    burst.type('vim is great');
    expect(burst.overlay.kind).toBeUndefined();
    expect(burst.chat.typing).toBe(true);
    for (const paste of ['\x1b[200~one more thing\r\x1b[201~', 'one more thing\r']) {
      const asked = setUp();
      asked.overlay.show('confirm-leave', () => 'Leave?');
      asked.type(paste);
      await turn();
      expect(asked.chat.typing).toBe(false);
      expect(asked.got.sent).toEqual([]);
      expect(asked.overlay.kind).toBe('confirm-leave');
      asked.type('c');
      expect(asked.chat.typing).toBe(false);
      expect(asked.overlay.kind).toBeUndefined();
      asked.overlay.show('confirm-leave', () => 'Leave?');
      asked.type('y');
      expect(asked.got.leaves).toBe(1);
      expect(asked.chat.unsent).toBe('one more thing');
    }
  });

  it('Esc and a key in one read (tmux escape-time, SSH) are Esc and that key, not Alt and it: the line closes, the key acts', async () => {
    const turn = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));
    for (const [read, callKey] of [['\x1bq', 'q'], ['\x1bm', 'm'], ['\x1b?', '?'], ['\x1bS', 'S-s']] as const) {
      const { chat, got, type } = setUp();
      type('c');
      type('draft');
      await turn();
      type(read);
      expect(chat.typing).toBe(false);
      expect(chat.unsent).toBe('draft');
      expect(got.callKeys).toEqual(['c', callKey]);
    }
    // Esc and Enter: closed, then Enter opens it again, the draft still there.
    const { chat, got, type } = setUp();
    type('c');
    type('x');
    type('\x1b\r');
    expect(got.callKeys).toEqual(['c', 'enter']);
    expect(chat.unsent).toBe('x');
  });

  it('Esc and a key in one read with the chat line closed are Esc and that key too: help or stats close, the key acts', () => {
    // tmux joins Esc and a key typed within its escape-time (500 ms): Esc to close the stats and q to leave did
    // neither, and Esc and m under nothing did not mute.
    for (const [shown, read, callKey] of [['stats', '\x1bq', 'q'], ['help', '\x1bm', 'm'], [undefined, '\x1bm', 'm'], ['stats', '\x1b?', '?'], [undefined, '\x1bS', 'S-s']] as const) {
      const { overlay, got, type } = setUp();
      if (shown) overlay.show(shown, () => shown);
      type(read);
      expect(overlay.kind, `${shown} ${JSON.stringify(read)}`).toBeUndefined();
      expect(got.closes).toBe(shown ? 1 : 0);
      expect(got.callKeys.filter((k) => k !== 'escape')).toEqual([callKey]);
    }
  });

  it('Alt-b, Alt-f, Alt-d and Alt-Backspace edit the open line by words (macOS sends Option-← as Alt-b): no call key', async () => {
    const turn = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));
    const { chat, got, type } = setUp();
    type('c');
    type('one two');
    await turn();
    type('\x1bb');
    type('\x1bd');
    expect(chat.typing).toBe(true);
    expect(chat.unsent).toBe('one');
    type('\x1b\x7f');
    expect(chat.unsent).toBe('');
    expect(got.callKeys).toEqual(['c']);
  });

  it('a sent line brought back by ↑ is not called unsent: not after Esc, not with the line open', async () => {
    const { chat, type } = setUp();
    for (const key of ['c', 's', 'e', 'n', 't', '\r', '\x1b[A']) type(key);
    expect(chat.unsent).toBe('');
    type('\x1b');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(chat.typing).toBe(false);
    expect(chat.unsent).toBe('');
  });

  it('PgUp / PgDn page the help by its rows in view less one: the bottom row before is the top row after', () => {
    const { screen, overlay, type } = setUp({ size: { columns: 80, rows: 24 } });
    overlay.show('help', () => Array.from({ length: 200 }, (_, i) => `help row ${i + 1}`).join('\n'));
    const shownRows = (): number[] => {
      screen.render();
      const lines = (screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
      return lines.map((line) => /help row (\d+)/.exec(line.map((cell) => cell[1]).join(''))?.[1]).filter((n) => n !== undefined).map(Number);
    };
    const before = shownRows();
    expect(before.length).toBeGreaterThan(6);
    type('\x1b[6~');
    const after = shownRows();
    expect(after[0]).toBe(before.at(-1));
    type('\x1b[5~');
    expect(shownRows()).toEqual(before);
  });

  it('Ctrl-C leaves from anywhere, even the chat line', () => {
    const { got, type } = setUp();
    type('c');
    type('\x03');
    expect(got.leaves).toBe(1);
  });

  it('a Ctrl-C byte inside pasted text is not Ctrl-C: the call goes on; pressed during a paste that never ends, it leaves', () => {
    // "none of it is taken for a call key" (README): a host pasting it ended the call for everyone, unasked.
    const { chat, got, type } = setUp();
    type('\x1b[200~abc\x03def\x1b[201~');
    expect(got.leaves).toBe(0);
    expect(chat.unsent).toBe('abcdef');
    // A paste whose end mark never comes must not hold every key: Ctrl-C, a read of its own, still leaves.
    type('\x1b[200~stuck');
    type('\x03');
    expect(got.leaves).toBe(1);
  });

  it('an overlay takes its keys: y answers the leave question, any other key cancels it and goes no further', () => {
    const { overlay, got, type } = setUp();
    overlay.show('confirm-leave', () => 'Leave?');
    type('m');
    expect(got.closes).toBe(1);
    expect(got.callKeys).toEqual([]);
    overlay.show('confirm-leave', () => 'Leave?');
    type('y');
    expect(got.leaves).toBe(1);
  });

  it('stops routing once unbound', () => {
    const { got, type, unbind } = setUp();
    unbind();
    type('m');
    expect(got.callKeys).toEqual([]);
  });
});

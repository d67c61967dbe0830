import { describe, expect, it } from 'vitest';
import { hasLoneSurrogate, printableChatText } from '../../src/protocol/index.js';
import { LineEditor, MAX_CHAT_INPUT } from '../../src/tui/line-editor.js';
import { textColumns } from '../../src/tui/text-width.js';
import { graphemes } from '../../src/util/graphemes.js';
import { rng } from '../helpers/rng.js';

const type = (editor: LineEditor, text: string): void => {
  for (const ch of text) editor.handle(ch, { name: ch });
};

describe('LineEditor (the chat line)', () => {
  it('edits, submits on enter (not on the return that follows it) and clears', () => {
    const editor = new LineEditor();
    type(editor, 'helo');
    editor.handle(undefined, { name: 'left' });
    editor.handle('l', { name: 'l' });
    expect(editor.value).toBe('hello');
    expect(editor.handle('\r', { name: 'enter' })).toEqual({ type: 'submit', text: 'hello' });
    expect(editor.handle('\r', { name: 'return' })).toEqual({ type: 'ignored' });
    expect(editor.value).toBe('');
  });

  it('handles backspace, delete, home/end, ctrl-u and ctrl-w', () => {
    const editor = new LineEditor();
    type(editor, 'one two three');
    editor.handle(undefined, { name: 'backspace' });
    expect(editor.value).toBe('one two thre');
    editor.handle(undefined, { name: 'w', ctrl: true });
    expect(editor.value).toBe('one two ');
    editor.handle(undefined, { name: 'home' });
    editor.handle(undefined, { name: 'delete' });
    expect(editor.value).toBe('ne two ');
    editor.handle(undefined, { name: 'end' });
    expect(editor.cursor).toBe(7);
    editor.handle(undefined, { name: 'u', ctrl: true });
    expect(editor.value).toBe('');
  });

  it('moves and cuts by words as readline does: Ctrl/Alt-←/→, Alt-b/f, Alt-d, Alt-Backspace', () => {
    const editor = new LineEditor();
    type(editor, 'one two  three');
    editor.handle(undefined, { name: 'left', ctrl: true });
    expect(editor.cursor).toBe(9);
    editor.handle('b', { name: 'b', meta: true });
    expect(editor.cursor).toBe(4);
    editor.handle(undefined, { name: 'left', meta: true });
    expect(editor.cursor).toBe(0);
    editor.handle('f', { name: 'f', meta: true });
    expect(editor.cursor).toBe(3);
    editor.handle(undefined, { name: 'right', ctrl: true });
    expect(editor.cursor).toBe(7);
    editor.handle('d', { name: 'd', meta: true });
    expect(editor.value).toBe('one two');
    editor.handle(undefined, { name: 'backspace', meta: true });
    expect(editor.value).toBe('one ');
    expect(editor.cursor).toBe(4);
  });

  it('refuses control characters and escape sequences, and cancels on escape', () => {
    const editor = new LineEditor();
    expect(editor.handle('\x1b[31m', { name: undefined })).toEqual({ type: 'ignored' });
    expect(editor.handle('\x07', { name: 'g', ctrl: true })).toEqual({ type: 'ignored' });
    type(editor, 'ok');
    expect(editor.handle('\x1b', { name: 'escape' })).toEqual({ type: 'cancel' });
    expect(editor.value).toBe('ok');
  });

  it('takes a tab in text (pasted: the Tab key completes) as a space, as chat is relayed', () => {
    const editor = new LineEditor(() => ['colin']);
    editor.handle('col1\tcol2', {});
    expect(editor.value).toBe('col1 col2');
    editor.handle('\t', {});
    expect(editor.value).toBe('col1 col2 ');
  });

  it('keeps the joiners of an emoji or a Persian word, and takes out bidi overrides', () => {
    const editor = new LineEditor();
    editor.handle('👩\u200d💻 Ali\u200cReza \u202eevil', { name: undefined });
    expect(editor.value).toBe('👩\u200d💻 Ali\u200cReza evil');
    // As blessed hands typed text on: a UTF-16 unit at a time, an emoji in two halves.
    const unitwise = new LineEditor();
    for (const unit of 'a👩\u200d💻😀中'.split('')) unitwise.handle(unit, { name: undefined });
    expect(unitwise.value).toBe('a👩\u200d💻😀中');
    // ... and Backspace takes a whole emoji, not half of one.
    unitwise.handle(undefined, { name: 'backspace' });
    unitwise.handle(undefined, { name: 'backspace' });
    expect(unitwise.value).toBe('a👩\u200d💻');
  });

  it('edits per grapheme cluster: Backspace takes a whole 👩‍💻 or 🇫🇷, ← / → step over an accent or joiner, the cursor covers them', () => {
    // As blessed hands typed text on: a UTF-16 unit at a time.
    const typed = (text: string): LineEditor => {
      const editor = new LineEditor();
      for (const unit of text.split('')) editor.handle(unit, { name: undefined });
      return editor;
    };
    const coder = typed('a👩\u200d💻');
    coder.handle(undefined, { name: 'backspace' });
    expect(coder.value).toBe('a');
    const flag = typed('a🇫🇷🇩🇪');
    flag.handle(undefined, { name: 'backspace' });
    expect(flag.value).toBe('a🇫🇷');
    flag.handle(undefined, { name: 'left' });
    flag.handle(undefined, { name: 'delete' });
    expect(flag.value).toBe('a');
    // e and a combining acute: one stop for ← / →, and the cursor's cell holds both.
    const accent = typed('ce\u0301!');
    accent.handle(undefined, { name: 'left' });
    accent.handle(undefined, { name: 'left' });
    expect(accent.view(10)).toEqual({ before: 'c', at: 'e\u0301', after: '!' });
    accent.handle(undefined, { name: 'right' });
    expect(accent.view(10)).toEqual({ before: 'ce\u0301', at: '!', after: '' });
    // Typed before a character, a joiner or an accent joins the one before the cursor.
    accent.handle('\u0327', { name: undefined });
    expect(accent.view(10)).toEqual({ before: 'ce\u0301\u0327', at: '!', after: '' });
    accent.handle(undefined, { name: 'backspace' });
    expect(accent.value).toBe('c!');
  });

  it('keeps the cursor in view in a narrow field', () => {
    const editor = new LineEditor();
    type(editor, 'abcdefghij');
    expect(editor.view(4)).toEqual({ before: 'hij', at: ' ', after: '' });
    editor.handle(undefined, { name: 'home' });
    expect(editor.view(4)).toEqual({ before: '', at: 'a', after: 'bcd' });
  });

  it('marks with … a side where a long line goes on out of the field, within the field', () => {
    const editor = new LineEditor();
    type(editor, 'abcdefghij');
    // At the end: the start is out of view. The field showed "hij" and the cursor, as if that were all.
    expect(editor.markedView(5)).toEqual({ before: '…hij', at: ' ', after: '' });
    editor.handle(undefined, { name: 'home' });
    expect(editor.markedView(5)).toEqual({ before: '', at: 'a', after: 'bcd…' });
    for (let i = 0; i < 4; i++) editor.handle(undefined, { name: 'right' });
    expect(editor.markedView(5)).toEqual({ before: '…cd', at: 'e', after: '…' });
    // Wide characters: the marks and the text together stay within the field.
    const wide = new LineEditor();
    type(wide, '東京都の天気は晴れです');
    wide.handle(undefined, { name: 'home' });
    const shown = wide.markedView(8);
    expect(shown).toEqual({ before: '', at: '東', after: '京都…' });
    expect(textColumns(shown.before + shown.at + shown.after)).toBeLessThanOrEqual(8);
    // A line that fits has no marks.
    expect(new LineEditor().markedView(5)).toEqual({ before: '', at: ' ', after: '' });
  });

  it('counts emoji and CJK as the two columns they take, and never splits one', () => {
    const editor = new LineEditor();
    type(editor, 'ab😀北c');
    // 1 + 1 + 2 + 2 + 1 columns, and the cursor's cell at the end: the 6 columns before it show whole characters.
    expect(editor.view(6)).toEqual({ before: '😀北c', at: ' ', after: '' });
    editor.handle(undefined, { name: 'home' });
    editor.handle(undefined, { name: 'right' });
    editor.handle(undefined, { name: 'right' });
    expect(editor.view(6)).toEqual({ before: 'ab', at: '😀', after: '北' });
  });

  it('moves and cuts as readline does: Ctrl-A, Ctrl-E, Ctrl-K', () => {
    const editor = new LineEditor();
    type(editor, 'world');
    editor.handle('\x01', { name: 'a', ctrl: true });
    type(editor, 'hello ');
    expect(editor.value).toBe('hello world');
    editor.handle('\x0b', { name: 'k', ctrl: true });
    expect(editor.value).toBe('hello ');
    type(editor, 'there');
    editor.handle('\x01', { name: 'a', ctrl: true });
    editor.handle('\x05', { name: 'e', ctrl: true });
    type(editor, '!');
    expect(editor.value).toBe('hello there!');
  });

  it('brings back lines sent with ↑ (the line being typed kept for ↓), without repeats', () => {
    const editor = new LineEditor();
    const send = (text: string) => {
      type(editor, text);
      editor.handle('\r', { name: 'enter' });
    };
    send('first');
    send('second');
    send('second');
    expect(editor.handle(undefined, { name: 'down' })).toEqual({ type: 'ignored' });
    type(editor, 'draft');
    editor.handle(undefined, { name: 'up' });
    expect(editor.value).toBe('second');
    editor.handle(undefined, { name: 'up' });
    expect(editor.value).toBe('first');
    editor.handle(undefined, { name: 'up' });
    expect(editor.value).toBe('first');
    editor.handle(undefined, { name: 'down' });
    editor.handle(undefined, { name: 'down' });
    expect(editor.value).toBe('draft');
    // A recalled line is edited like any other, and sent as it is then.
    editor.handle(undefined, { name: 'up' });
    type(editor, '!');
    expect(editor.handle('\r', { name: 'enter' })).toEqual({ type: 'submit', text: 'second!' });
    expect(new LineEditor().handle(undefined, { name: 'up' })).toEqual({ type: 'ignored' });
  });

  it('keeps the line being typed through ↑, a cursor move and ↑ again (it was replaced by the line recalled first)', () => {
    const editor = new LineEditor();
    for (const text of ['first', 'second']) {
      type(editor, text);
      editor.handle('\r', { name: 'enter' });
    }
    type(editor, 'draft');
    editor.handle(undefined, { name: 'up' });
    editor.handle(undefined, { name: 'left' });
    editor.handle(undefined, { name: 'home' });
    editor.handle(undefined, { name: 'up' });
    expect(editor.value).toBe('first');
    editor.handle(undefined, { name: 'down' });
    expect(editor.value).toBe('second');
    editor.handle(undefined, { name: 'down' });
    expect(editor.value).toBe('draft');
    // Esc on a recalled line after a cursor move puts the draft back too.
    editor.handle(undefined, { name: 'up' });
    editor.handle(undefined, { name: 'left' });
    editor.handle(undefined, { name: 'up' });
    editor.handle('\x1b', { name: 'escape' });
    expect(editor.value).toBe('draft');
    // Changed, a recalled line is the line being typed: ↑ from there keeps it aside.
    editor.handle(undefined, { name: 'up' });
    type(editor, '!');
    editor.handle(undefined, { name: 'up' });
    expect(editor.value).toBe('second');
    editor.handle(undefined, { name: 'down' });
    expect(editor.value).toBe('second!');
  });

  it('a sent line brought back by ↑ and closed unchanged is no draft: Esc puts back what was being typed before ↑', () => {
    const editor = new LineEditor();
    type(editor, 'sent one');
    editor.handle('\r', { name: 'enter' });
    editor.handle(undefined, { name: 'up' });
    expect(editor.recalledAsSent).toBe(true);
    editor.handle('\x1b', { name: 'escape' });
    expect(editor.value).toBe('');
    expect(editor.recalledAsSent).toBe(false);
    // With a half-typed line aside, that comes back.
    type(editor, 'half');
    editor.handle(undefined, { name: 'up' });
    editor.handle('\x1b', { name: 'escape' });
    expect(editor.value).toBe('half');
    // Changed, it is a line of its own: kept.
    editor.clear();
    editor.handle(undefined, { name: 'up' });
    type(editor, '!');
    expect(editor.recalledAsSent).toBe(false);
    editor.handle('\x1b', { name: 'escape' });
    expect(editor.value).toBe('sent one!');
  });

  it('completes a name with Tab, as IRC clients do; Tab again for the next that fits', () => {
    const editor = new LineEditor(() => ['Grace', 'grant', 'Ada']);
    type(editor, 'gr');
    editor.handle('\t', { name: 'tab' });
    expect(editor.value).toBe('Grace: ');
    editor.handle('\t', { name: 'tab' });
    expect(editor.value).toBe('grant: ');
    editor.handle('\t', { name: 'tab' });
    expect(editor.value).toBe('Grace: ');
    type(editor, 'ask a');
    editor.handle('\t', { name: 'tab' });
    expect(editor.value).toBe('Grace: ask Ada ');
    // Nothing fits, or nothing typed: Tab does nothing (and never types a tab).
    type(editor, 'zz');
    expect(editor.handle('\t', { name: 'tab' })).toEqual({ type: 'ignored' });
    type(editor, ' ');
    expect(editor.handle('\t', { name: 'tab' })).toEqual({ type: 'ignored' });
    expect(editor.value).toBe('Grace: ask Ada zz ');
  });

  describe('typed before other characters (as blessed hands it on, a UTF-16 unit or a code point at a time)', () => {
    const units = (text: string): string[] => text.split('');
    const codePoints = (text: string): string[] => [...text];
    const typeIn = (editor: LineEditor, pieces: readonly string[]): void => {
      for (const piece of pieces) editor.handle(piece, { name: undefined });
    };
    /** `line` typed, ← pressed `lefts` times, then `text` typed: the line and the cursor that gives. */
    const insert = (line: string, lefts: number, text: string, feed = units) => {
      const editor = new LineEditor();
      typeIn(editor, feed(line));
      for (let i = 0; i < lefts; i++) editor.handle(undefined, { name: 'left' });
      typeIn(editor, feed(text));
      return { value: editor.value, cursor: editor.cursor, view: editor.view(1000) };
    };

    it('a flag typed just before another flag leaves both whole (🇫🇷 before 🇩🇪 gave 🇫🇩 🇷🇪)', () => {
      for (const feed of [units, codePoints]) {
        expect(insert('🇩🇪', 1, '🇫🇷', feed)).toEqual({ value: '🇫🇷🇩🇪', cursor: 1, view: { before: '🇫🇷', at: '🇩🇪', after: '' } });
        expect(insert('🇩🇪🇩🇪', 1, '🇫🇷', feed)).toEqual({
          value: '🇩🇪🇫🇷🇩🇪',
          cursor: 2,
          view: { before: '🇩🇪🇫🇷', at: '🇩🇪', after: '' },
        });
      }
    });

    it('a flag typed at the start, in the middle and at the end of a line', () => {
      expect(insert('a🇩🇪b', 3, '🇫🇷')).toMatchObject({ value: '🇫🇷a🇩🇪b', cursor: 1 });
      expect(insert('a🇩🇪b', 2, '🇫🇷')).toMatchObject({ value: 'a🇫🇷🇩🇪b', cursor: 2 });
      expect(insert('a🇩🇪b', 1, '🇫🇷')).toMatchObject({ value: 'a🇩🇪🇫🇷b', cursor: 3 });
      expect(insert('a🇩🇪b', 0, '🇫🇷')).toMatchObject({ value: 'a🇩🇪b🇫🇷', cursor: 4 });
      expect(insert('🇩🇪🇯🇵', 2, '🇫🇷🇮🇹')).toMatchObject({ value: '🇫🇷🇮🇹🇩🇪🇯🇵', cursor: 2 });
    });

    it('an emoji with a skin tone (alone or joined) typed before another emoji', () => {
      for (const feed of [units, codePoints]) {
        expect(insert('😀', 1, '👍🏽', feed)).toEqual({ value: '👍🏽😀', cursor: 1, view: { before: '👍🏽', at: '😀', after: '' } });
        expect(insert('x😀', 1, '🧑🏽\u200d💻', feed)).toMatchObject({ value: 'x🧑🏽\u200d💻😀', cursor: 2 });
        expect(insert('👩', 1, '👩\u200d💻', feed)).toMatchObject({ value: '👩\u200d💻👩', cursor: 1 });
      }
    });

    it('an accent, joiner or skin tone typed after a character still joins it; one left at the start of the line joins what is typed before it', () => {
      expect(insert('ab', 1, '\u0301')).toMatchObject({ value: 'a\u0301b', cursor: 1 });
      expect(insert('👍x', 1, '🏽')).toMatchObject({ value: '👍🏽x', cursor: 1 });
      // A mark with nothing before it: the flag typed before it is whole, and takes it.
      expect(insert('\u0301x', 2, '🇫🇷')).toMatchObject({ value: '🇫🇷\u0301x', cursor: 1 });
      expect(insert('\u0301x', 2, '😀')).toMatchObject({ value: '😀\u0301x', cursor: 1 });
    });

    it('fuzz: strings of flags, joined emoji, accents, CJK and ASCII typed anywhere give the string inserted there', () => {
      const pool = ['🇫🇷', '🇩🇪', '🇯🇵', '👨\u200d👩\u200d👧', '👩\u200d💻', '👍🏽', 'e\u0301', '中', '文', 'a', 'Z', ' '];
      const random = rng(0x1e);
      const pick = (n: number): number => Math.floor(random() * n);
      // Random pieces at any unit boundary, as a paste read in parts.
      const chunks = (text: string): string[] => {
        const parts: string[] = [];
        for (let i = 0; i < text.length; ) {
          const size = 1 + pick(4);
          parts.push(text.slice(i, i + size));
          i += size;
        }
        return parts;
      };
      const feeds = [units, codePoints, chunks];
      for (let trial = 0; trial < 300; trial++) {
        const editor = new LineEditor();
        for (let step = 0; step < 5; step++) {
          editor.handle(undefined, { name: 'end' });
          const lefts = pick(editor.cursor + 1);
          for (let i = 0; i < lefts; i++) editor.handle(undefined, { name: 'left' });
          const { before, at, after } = editor.view(100_000);
          const rest = editor.atEnd ? '' : at + after;
          const text = Array.from({ length: 1 + pick(3) }, () => pool[pick(pool.length)]!).join('');
          typeIn(editor, feeds[pick(feeds.length)]!(text));
          const context = JSON.stringify({ trial, step, before, text, rest });
          expect(editor.value, context).toBe(before + text + rest);
          expect(editor.cursor, context).toBe(graphemes(before + text).length);
          expect(editor.view(100_000).before, context).toBe(before + text);
        }
      }
    });
  });
});

describe('LineEditor fuzz: random edits', () => {
  // What people type and paste: accents both ways, joined emoji, skin tones, flags, CJK, and the parts of those on
  // their own; tabs, controls and bidi overrides that must not get in.
  const POOL = ['a', 'b', ' ', 'é', 'e\u0301', '\u0301', '👩\u200d💻', '👩', '\u200d', '💻', '👍🏽', '🏽', '🇫🇷', '🇩🇪', '北', '❤\ufe0f', '\t', '\x01', '\x1b[2J', '\u202e', 'word '];
  const KEYS = ['left', 'right', 'home', 'end', 'backspace', 'delete', 'up', 'down', 'enter', 'escape', 'tab'];

  it('500 sessions: no half surrogate pair, nothing unprintable, cursor in range, the count right, the view in its width', () => {
    for (let session = 0; session < 500; session++) {
      const random = rng(0xed17 + session);
      const pick = (n: number): number => Math.floor(random() * n);
      const editor = new LineEditor(() => ['alice', 'Ana Lee', '👩\u200d💻bob']);
      const log: string[] = [];
      // Some start nearly full, so the limit is met with clusters of several code points half in.
      if (session % 50 === 0) editor.handle('x'.repeat(MAX_CHAT_INPUT - 5), {});
      for (let step = 0; step < 40; step++) {
        if (random() < 0.55) {
          const text = Array.from({ length: 1 + pick(3) }, () => POOL[pick(POOL.length)]!).join('');
          // Whole, or a UTF-16 unit at a time as blessed hands an emoji on.
          if (random() < 0.3) for (const unit of text.split('')) editor.handle(unit, { name: unit });
          else editor.handle(text, {});
          log.push(JSON.stringify(text));
        } else {
          const key = { name: KEYS[pick(KEYS.length)], ctrl: random() < 0.1, meta: random() < 0.1 };
          if (random() < 0.05) key.name = ['w', 'k', 'u', 'a', 'e', 'b', 'f', 'd'][pick(8)];
          editor.handle(undefined, key);
          log.push(JSON.stringify(key));
        }
        const value = editor.value;
        const points = [...value].length;
        const context = (): string => JSON.stringify({ session, log, value: value.slice(-60), cursor: editor.cursor });
        const ok =
          !hasLoneSurrogate(value) &&
          printableChatText(value) === value &&
          editor.cursor >= 0 &&
          editor.cursor <= points &&
          points <= MAX_CHAT_INPUT &&
          editor.isFull === (points >= MAX_CHAT_INPUT);
        if (!ok) expect.fail(context());
        if (value.length < 1000) {
          const { before, at, after } = editor.view(100_000);
          if (before + (editor.atEnd ? '' : at) + after !== value) expect.fail(`view ${context()}`);
        }
        for (const width of [8, 13, 40]) {
          const shown = editor.view(width);
          // A cluster wider than the field shows alone (the joined parts of 👩‍💻 are counted apart: 4 columns).
          if (textColumns(shown.before + shown.at + shown.after) > Math.max(width, textColumns(shown.at))) expect.fail(`width ${width} ${context()}`);
        }
      }
    }
  });

  it('↓ after any walk through the history with cursor moves gives back the line that was being typed', () => {
    const random = rng(0x415);
    const pick = (n: number): number => Math.floor(random() * n);
    for (let trial = 0; trial < 500; trial++) {
      const editor = new LineEditor();
      for (let i = 0, n = pick(5); i < n; i++) {
        editor.handle(['x', 'hi', 'bob', 'hi there'][pick(4)], {});
        editor.handle('\r', { name: 'enter' });
      }
      const draft = ['', 'dra', 'ft 😀'][pick(3)]!;
      if (draft) editor.handle(draft, {});
      const keys = Array.from({ length: pick(8) }, () => ['up', 'down', 'left', 'home', 'end', 'right'][pick(6)]!);
      for (const name of keys) editor.handle(undefined, { name });
      for (let i = 0; i < 6; i++) editor.handle(undefined, { name: 'down' });
      expect(editor.value, JSON.stringify({ trial, draft, keys })).toBe(draft);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { PasswordEntry, passwordText } from '../../src/tui/password-entry.js';

/** Types `text` a key at a time, as blessed reports printable keys. */
function typeInto(entry: PasswordEntry, text: string): void {
  for (const ch of text) expect(entry.key(ch, { name: ch, full: ch })).toBeUndefined();
}

describe('PasswordEntry', () => {
  it('submits what was typed on Enter, with Backspace taking back one character (a whole emoji) and Ctrl-U clearing', () => {
    const entry = new PasswordEntry('needed');
    typeInto(entry, 'x');
    entry.key(undefined, { name: 'u', full: 'C-u', ctrl: true });
    expect(entry.length).toBe(0);
    typeInto(entry, 'sesame👍🏽!');
    entry.key('\x7f', { name: 'backspace', full: 'backspace' });
    expect(entry.length).toBe(7);
    entry.key('\x7f', { name: 'backspace', full: 'backspace' });
    expect(entry.key('\r', { name: 'enter', full: 'enter' })).toEqual({ type: 'submit', password: 'sesame' });
  });

  it('ignores Enter on an empty line and its twin "return", and keys that are not text', () => {
    const entry = new PasswordEntry('needed');
    expect(entry.key('\r', { name: 'enter', full: 'enter' })).toBeUndefined();
    typeInto(entry, 'ab');
    expect(entry.key('\r', { name: 'return', full: 'return' })).toBeUndefined();
    entry.key(undefined, { name: 'left', full: 'left' });
    entry.key('\t', { name: 'tab', full: 'tab' });
    entry.key('x', { name: 'x', full: 'M-x', meta: true });
    expect(entry.length).toBe(2);
  });

  it('gives up on Esc, Ctrl-C, and Ctrl-D on an empty line', () => {
    expect(new PasswordEntry('needed').key('\x1b', { name: 'escape', full: 'escape' })).toEqual({ type: 'cancel' });
    expect(new PasswordEntry('needed').key('\x03', { name: 'c', full: 'C-c', ctrl: true })).toEqual({ type: 'cancel' });
    expect(new PasswordEntry('needed').key('\x04', { name: 'd', full: 'C-d', ctrl: true })).toEqual({ type: 'cancel' });
    const typed = new PasswordEntry('needed');
    typeInto(typed, 'a');
    expect(typed.key('\x04', { name: 'd', full: 'C-d', ctrl: true })).toBeUndefined();
  });

  it('after Enter, holds every key off while the server checks (none reaches the call or the chat), but Ctrl-C leaves', () => {
    const entry = new PasswordEntry('needed');
    typeInto(entry, 'wrong');
    expect(entry.key('\r', { name: 'enter', full: 'enter' })).toEqual({ type: 'submit', password: 'wrong' });
    expect(entry.checking).toBe(true);
    for (const ch of 'qc') expect(entry.key(ch, { name: ch, full: ch })).toBeUndefined();
    expect(entry.key('\x1b', { name: 'escape', full: 'escape' })).toBeUndefined();
    expect(entry.key('\r', { name: 'enter', full: 'enter' })).toBeUndefined();
    expect(entry.length).toBe(5);
    expect(passwordText(entry, 'main', 'h:1', 60)).toContain('checking the password…');
    expect(entry.key('\x03', { name: 'c', full: 'C-c', ctrl: true })).toEqual({ type: 'leave' });
  });

  it('takes a paste as text: its line breaks do not submit it', () => {
    const entry = new PasswordEntry('needed');
    for (const ch of 'pw\r\n') expect(entry.key(ch, { name: ch, full: ch }, true)).toBeUndefined();
    expect(entry.length).toBe(2);
  });

  it('shows a dot per character and never the password; says when the last one was refused', () => {
    const entry = new PasswordEntry('needed');
    typeInto(entry, 'sesame');
    const asked = passwordText(entry, 'main', '10.0.0.5:7447', 60);
    expect(asked).toContain('Room main at 10.0.0.5:7447 needs a password.');
    expect(asked).toContain('› ••••••{inverse}');
    expect(asked).not.toContain('sesame');
    const wrong = passwordText(new PasswordEntry('wrong'), 'main', '10.0.0.5:7447', 60);
    expect(wrong).toContain('Room main at 10.0.0.5:7447 needs a password.');
    expect(wrong).toContain('The server refused that password: try again.');
    expect(passwordText(new PasswordEntry('changed'), 'main', 'h:1', 60)).toContain('refuses the password you joined with');
    // The last of the three tries says so, in the long and the short form.
    const last = new PasswordEntry('wrong', true);
    expect(passwordText(last, 'main', 'h:1', 60)).toContain('The server refused that password: try again. {bold}Last try.{/bold}');
    expect(passwordText(last, 'main', 'h:1', 40, 3)).toContain('Refused: try again. {bold}Last try.{/bold}');
    expect(wrong).not.toContain('Last try');
    // A long password in a narrow box: as many dots as fit.
    typeInto(entry, 'x'.repeat(100));
    expect(passwordText(entry, 'main', 'h:1', 20)).toContain(`› ${'•'.repeat(17)}{inverse}`);
  });

  it('in a short terminal keeps the dots line and the keys, and the news that the last password was refused', () => {
    const entry = new PasswordEntry('wrong');
    typeInto(entry, 'abc');
    const rowsOf = (rows: number): string[] => passwordText(entry, 'main', '10.0.0.5:7447', 26, rows).split('\n');
    for (const rows of [8, 6, 5, 4, 3, 2]) {
      const lines = rowsOf(rows);
      expect(lines.length).toBeLessThanOrEqual(rows);
      expect(lines).toContain('› •••{inverse} {/inverse}');
      expect(lines.at(-1)).toContain('Enter join');
    }
    expect(rowsOf(4).join('\n')).toContain('Refused: try again.');
    expect(rowsOf(3)[0]).toContain('Refused: try again.');
    expect(rowsOf(1)).toEqual(['› •••{inverse} {/inverse}']);
    // Room enough: the whole text, blank lines and all.
    expect(rowsOf(20)).toContain('');
  });
});

import { describe, expect, it } from 'vitest';
import { typeHidden, type HiddenLine } from '../../src/cli/password-prompt.js';

const start: HiddenLine = { text: '', done: undefined };
const typed = (...chunks: string[]): HiddenLine => chunks.reduce(typeHidden, start);

describe('typing a password without echo', () => {
  it('keeps what is typed until Enter, whole or byte by byte', () => {
    expect(typed('sesame\r')).toEqual({ text: 'sesame', done: 'entered' });
    expect(typed(...'sésame\r')).toEqual({ text: 'sésame', done: 'entered' });
    expect(typed('ses', 'ame')).toEqual({ text: 'sesame', done: undefined });
  });

  it('Backspace takes a character back, Ctrl-U clears the line, arrow keys are no text', () => {
    expect(typed('sesamx\x7fe\r').text).toBe('sesame');
    expect(typed('wrong\x15right\r').text).toBe('right');
    expect(typed('ses\x1b[Dame\x1bOA\r').text).toBe('sesame');
  });

  it('Ctrl-C gives up; Ctrl-D does on an empty line, as a shell takes it for the end', () => {
    expect(typed('abc\x03')).toEqual({ text: '', done: 'cancelled' });
    expect(typed('\x04')).toEqual({ text: '', done: 'cancelled' });
    expect(typed('ab\x04c\r')).toEqual({ text: 'abc', done: 'entered' });
  });
});

import { charColumns, fitColumns } from './text-width.js';

/**
 * The chat line's editing, pure: keys in, text out. Our own rather than blessed's textbox, which starts listening
 * one tick after it is focused and so loses the first keys of a fast typist (or of a pasted line).
 */
export type EditResult = { type: 'edit' } | { type: 'submit'; text: string } | { type: 'cancel' } | { type: 'ignored' };

export interface KeyInfo {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  full?: string;
}

export const MAX_CHAT_INPUT = 2000;

export class LineEditor {
  private chars: string[] = [];
  private cursorIndex = 0;

  get value(): string {
    return this.chars.join('');
  }

  get cursor(): number {
    return this.cursorIndex;
  }

  clear(): void {
    this.chars = [];
    this.cursorIndex = 0;
  }

  handle(ch: string | undefined, key: KeyInfo): EditResult {
    switch (key.name) {
      // blessed reports Enter (\r) twice, as 'enter' then 'return': act on 'enter' only, or one key would submit
      // the line and then start a new one.
      case 'return':
        return { type: 'ignored' };
      case 'enter':
      case 'linefeed': {
        const text = this.value;
        this.clear();
        return { type: 'submit', text };
      }
      case 'escape':
        return { type: 'cancel' };
      case 'backspace':
        if (this.cursorIndex > 0) {
          this.chars.splice(this.cursorIndex - 1, 1);
          this.cursorIndex -= 1;
        }
        return { type: 'edit' };
      case 'delete':
        this.chars.splice(this.cursorIndex, 1);
        return { type: 'edit' };
      case 'left':
        this.cursorIndex = Math.max(0, this.cursorIndex - 1);
        return { type: 'edit' };
      case 'right':
        this.cursorIndex = Math.min(this.chars.length, this.cursorIndex + 1);
        return { type: 'edit' };
      case 'home':
        this.cursorIndex = 0;
        return { type: 'edit' };
      case 'end':
        this.cursorIndex = this.chars.length;
        return { type: 'edit' };
      default:
        break;
    }
    if (key.ctrl && key.name === 'u') {
      this.clear();
      return { type: 'edit' };
    }
    if (key.ctrl && key.name === 'w') {
      let start = this.cursorIndex;
      while (start > 0 && this.chars[start - 1] === ' ') start--;
      while (start > 0 && this.chars[start - 1] !== ' ') start--;
      this.chars.splice(start, this.cursorIndex - start);
      this.cursorIndex = start;
      return { type: 'edit' };
    }
    // Printable text only: control characters would reach other people's terminals.
    if (ch && !key.ctrl && !key.meta && !/[\p{Cc}\p{Cf}]/u.test(ch)) {
      const added = [...ch].slice(0, MAX_CHAT_INPUT - this.chars.length);
      this.chars.splice(this.cursorIndex, 0, ...added);
      this.cursorIndex += added.length;
      return { type: 'edit' };
    }
    return { type: 'ignored' };
  }

  /**
   * The visible part of the line for a field `width` columns wide, with the cursor kept in view: the text before the
   * cursor, the character under it (a space at the end) and the text after. Counts terminal columns, so a line of
   * emoji or CJK (two columns each) does not run past the field.
   */
  view(width: number): { before: string; at: string; after: string } {
    const at = this.chars[this.cursorIndex] ?? ' ';
    // Walk back from the cursor while the characters fit beside the one under it.
    let used = charColumns(at);
    let start = this.cursorIndex;
    while (start > 0 && used + charColumns(this.chars[start - 1]!) <= width) used += charColumns(this.chars[--start]!);
    const after = fitColumns(this.chars.slice(this.cursorIndex + 1), width - used);
    return { before: this.chars.slice(start, this.cursorIndex).join(''), at, after: after.join('') };
  }
}

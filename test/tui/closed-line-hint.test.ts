import { describe, expect, it } from 'vitest';
import { closedLineHint } from '../../src/tui/closed-line-hint.js';
import { blessedLength } from '../../src/tui/text-width.js';

describe('closedLineHint', () => {
  it('without a draft, says how to open the line', () => {
    expect(closedLineHint('', 80)).toBe('› press c or Enter to chat');
  });

  it('shows the draft whole after the long hint where it fits, its line breaks and runs of spaces as one space', () => {
    expect(closedLineHint('half\na   thought', 78)).toBe('› c: back to your unsent line: half a thought');
  });

  it('takes the short hint once the long one would leave under 12 columns of the draft (31 + 12 = 43)', () => {
    expect(closedLineHint('draft of mine that is long', 43)).toMatch(/^› c: back to your unsent line: /);
    expect(closedLineHint('draft of mine that is long', 42)).toMatch(/^› c: unsent: /);
  });

  it('cuts a draft too long for the line with an ellipsis, filling the width exactly (a 31-column chat line)', () => {
    const hint = closedLineHint('draft of mine that is long', 31);
    expect(hint).toBe('› c: unsent: draft of mine tha…');
    expect(blessedLength(hint)).toBe(31);
  });

  it('never cuts a wide character in half: one that does not fit whole is left out', () => {
    // 13 columns of hint, 6 left: the draft does not fit, so 5 before the ellipsis, where "日本" (4) fits and "語" would not.
    expect(closedLineHint('日本語の話', 19)).toBe('› c: unsent: 日本…');
  });
});

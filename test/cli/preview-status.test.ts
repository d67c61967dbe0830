import { describe, expect, it } from 'vitest';
import { previewStatus } from '../../src/cli/preview.js';
import { textColumns } from '../../src/tui/text-width.js';

describe('previewStatus', () => {
  it('keeps the hints when they fit', () => {
    expect(previewStatus('256', 'half', 'pattern', 80)).toBe(' 256, half  ·  r colours  g symbols  q quits  ·  pattern ');
  });

  it('never passes the terminal width in columns, though a CJK file name is shorter in characters', () => {
    // The line goes on the last row: wider, it wrapped and scrolled the picture away, every frame.
    const tail = 'file /home/u/写真のフォルダ/猫の写真です.jpg (still) at 15 fps';
    for (let columns = 1; columns <= 90; columns++) {
      const status = previewStatus('256', 'half', tail, columns);
      expect(textColumns(status), `${columns} columns`).toBeLessThanOrEqual(columns);
    }
    expect(previewStatus('256', 'half', tail, 70)).toBe(' 256, half  ·  q quits  ·  file /home/u/写真のフォルダ/猫の写真です.jp');
  });

  it('in mono says ASCII is drawn, not the symbol set that waits for colours', () => {
    expect(previewStatus('mono', 'quadrant', 'pattern', 100)).toBe(' mono, ASCII (quadrant in colour)  ·  r colours  g symbols  q quits  ·  pattern ');
    expect(previewStatus('16', 'quadrant', 'pattern', 100)).toBe(' 16, quadrant  ·  r colours  g symbols  q quits  ·  pattern ');
  });

  it('shows control characters in a file name as escapes rather than writing them', () => {
    expect(previewStatus('mono', 'half', 'file /tmp/a\nb\x1b[2J.mp4', 200)).toContain('a\\x0ab\\x1b[2J.mp4');
  });
});

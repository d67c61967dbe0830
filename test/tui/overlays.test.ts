import { describe, expect, it } from 'vitest';
import { helpText, overlayKeyAction } from '../../src/tui/overlays.js';

describe('keys while an overlay shows', () => {
  it('help: any key closes it, s included', () => {
    for (const [ch, name] of [['x', 'x'], ['s', 's'], [undefined, 'escape'], ['q', 'q']] as const) {
      expect(overlayKeyAction('help', ch, name)).toBe('close');
    }
  });

  it('leave question: y or Y leaves, anything else cancels', () => {
    expect(overlayKeyAction('confirm-leave', 'y', 'y')).toBe('leave');
    expect(overlayKeyAction('confirm-leave', 'Y', 'y')).toBe('leave');
    expect(overlayKeyAction('confirm-leave', 'n', 'n')).toBe('close');
    expect(overlayKeyAction('confirm-leave', undefined, 'escape')).toBe('close');
    expect(overlayKeyAction('confirm-leave', 'q', 'q')).toBe('close');
  });

  it('stats: Esc closes it; other keys, s included, reach the call keys', () => {
    expect(overlayKeyAction('stats', undefined, 'escape')).toBe('close');
    expect(overlayKeyAction('stats', 's', 's')).toBe('pass');
    expect(overlayKeyAction('stats', 'm', 'm')).toBe('pass');
  });
});

describe('help text', () => {
  it('lists the keys and says how to close it', () => {
    const text = helpText();
    expect(text).toContain('livecomm-tui keys');
    expect(text).toMatch(/Any key closes this help/);
  });
});

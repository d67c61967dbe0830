import { describe, expect, it } from 'vitest';
import { ClipboardWriter, clipboardPathFor, copiedMessage, osc52, osc52ThroughScreen } from '../../src/tui/clipboard.js';

describe('copying to the terminal\'s clipboard (OSC 52)', () => {
  it('writes the text base64-encoded in an OSC 52 for the clipboard, ended by BEL; for GNU screen inside a DCS', () => {
    expect(osc52('livecomm-tui connect 192.0.2.10')).toBe(`\x1b]52;c;${Buffer.from('livecomm-tui connect 192.0.2.10').toString('base64')}\x07`);
    expect(osc52('é')).toBe('\x1b]52;c;w6k=\x07');
    expect(osc52ThroughScreen('a')).toBe('\x1bP\x1b]52;c;YQ==\x07\x1b\\');
  });

  it('says it copied where tmux shows it did, and that it sent it where nothing can tell', () => {
    expect(copiedMessage('join command', { kind: 'tmux', setClipboard: 'on' })).toBe(
      "join command copied (tmux's paste buffer, and your terminal's clipboard if it takes OSC 52)",
    );
    expect(copiedMessage('join command', { kind: 'tmux', setClipboard: 'external' })).toContain('set -g set-clipboard on');
    expect(copiedMessage('join command', { kind: 'terminal' })).toMatch(/^join command sent to your terminal's clipboard \(OSC 52\)/);
    expect(copiedMessage('join command', { kind: 'screen' })).toMatch(/^join command sent to your terminal's clipboard \(OSC 52\)/);
  });

  it('goes straight to the terminal outside tmux and screen, through screen inside it', () => {
    expect(clipboardPathFor({})).toEqual({ kind: 'terminal' });
    expect(clipboardPathFor({ STY: '123.pts-0.host' })).toEqual({ kind: 'screen' });
    const written: string[] = [];
    const said = new ClipboardWriter({ write: (data: string) => written.push(data) }, {}).copy('x y', 'join command');
    expect(written).toEqual([osc52('x y')]);
    expect(said).toMatch(/^join command sent/);
  });
});

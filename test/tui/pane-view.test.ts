import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import { PaneView, paneLabel, type PaneModel } from '../../src/tui/pane-view.js';
import { blessedLength } from '../../src/tui/text-width.js';
import { teachBlessedWideCharacters } from '../../src/tui/wide-chars.js';

const LONGEST_NAME = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'; // MAX_NAME_LENGTH characters

function model(overrides: Partial<PaneModel>): PaneModel {
  return {
    key: 'p1', name: 'alice', isSelf: false, muted: false, cameraOff: false, speaking: false, focused: false, volume: 1,
    waitingForVideo: false, ...overrides,
  };
}

describe('pane label', () => {
  it('shows the whole name and flags, space-separated, when they fit', () => {
    const label = paneLabel(model({ name: LONGEST_NAME, muted: true }), 80);
    expect(label).toBe(` ${LONGEST_NAME} (muted) `);
  });

  it('fits exactly: the full label in its own width; one column less, the flags go', () => {
    const full = ` ${LONGEST_NAME} (muted) `;
    expect(paneLabel(model({ name: LONGEST_NAME, muted: true }), full.length)).toBe(full);
    // One column less: the flags go, the name stays whole.
    expect(paneLabel(model({ name: LONGEST_NAME, muted: true }), full.length - 1)).toBe(` ${LONGEST_NAME} `);
  });

  it('cuts a name that does not fit alone (a third of 100 columns) with …, and then shows it alone', () => {
    const maxWidth = 32 - 3; // a 32-column pane: "┌─" before the label, "┐" after
    const label = paneLabel(model({ name: LONGEST_NAME, muted: true, cameraOff: true }), maxWidth);
    expect(label).toBe(' ABCDEFGHIJKLMNOPQRSTUVWXYZ… ');
    expect(label.length).toBe(maxWidth);
  });

  it('drops the flags, the least needed first, before it cuts a name (small panes of a big room)', () => {
    // A pane of 16 columns (80×24, 16 people): the names, not "J… (no mic)", "k… (no mic)".
    for (const name of ['Jonathan', 'k17', 'k19', 'สมศักดิ์', 'สมหญิง']) {
      expect(paneLabel(model({ name, noMicrophone: true, muted: true }), 13)).toBe(` ${name} `);
    }
    const everything = model({ name: 'mel', isSelf: true, recording: true, muted: true, cameraOff: true, volume: 0.5 });
    const widths = [43, 42, 34, 29, 22, 17, 5, 4, 3];
    expect(widths.map((width) => paneLabel(everything, width))).toEqual([
      ' mel (you, ● rec, muted, cam off, vol 50%) ',
      ' mel (you, ● rec, muted, vol 50%) ', // the camera first: the pane says "camera off" in its middle
      ' mel (you, ● rec, muted, vol 50%) ',
      ' mel (you, ● rec, muted) ',
      ' mel (● rec, muted) ',
      ' mel (● rec) ', // recording last: everyone should see it
      ' mel ',
      ' m… ',
      '',
    ]);
  });

  it('never cuts through a grapheme cluster: a flag, an emoji joined by U+200D, a letter and its marks', () => {
    expect(paneLabel(model({ name: '🇯🇵 Yuki' }), 5)).toBe(' 🇯🇵… ');
    expect(paneLabel(model({ name: '🇯🇵 Yuki' }), 4)).toBe('');
    expect(paneLabel(model({ name: '👩‍💻 dev' }), 8)).toBe(' 👩‍💻… ');
    expect(paneLabel(model({ name: '👩‍💻 dev' }), 7)).toBe('');
  });

  it('drops the flags before the name goes, and never cuts a name without …', () => {
    expect(paneLabel(model({ name: LONGEST_NAME, muted: true, cameraOff: true }), 12)).toBe(' ABCDEFGHI… ');
    expect(paneLabel(model({ name: 'alice', muted: true }), 7)).toBe(' alice ');
    expect(paneLabel(model({ name: 'alice' }), 4)).toBe(' a… ');
    expect(paneLabel(model({ name: 'alice' }), 3)).toBe('');
  });

  it('measures the name before escaping blessed tags, and cuts it on characters, not escapes', () => {
    expect(paneLabel(model({ name: '{bob}', speaking: true }), 20)).toBe(' ♪ {open}bob{close} ');
    expect(paneLabel(model({ name: '{bob}xxxxxx' }), 6)).toBe(' {open}bo… ');
  });

  it('counts emoji and CJK names in the columns they take, and shortens them between characters', () => {
    expect(paneLabel(model({ name: 'Zoë 🎉 北京' }), 20)).toBe(' Zoë 🎉 北京 ');
    // " Zoë 🎉 北京 " takes 13 columns; in 12 the name is shortened, never through the middle of a wide character.
    expect(paneLabel(model({ name: 'Zoë 🎉 北京' }), 12)).toBe(' Zoë 🎉 北… ');
    expect(paneLabel(model({ name: 'Zoë 🎉 北京' }), 11)).toBe(' Zoë 🎉 … ');
  });

  it('says "no mic" and "no camera" for someone who has none, rather than muted or off', () => {
    expect(paneLabel(model({ muted: true, cameraOff: true, noMicrophone: true, noCamera: true }), 80)).toBe(' alice (no mic, no camera) ');
    expect(paneLabel(model({ muted: true, cameraOff: true }), 80)).toBe(' alice (muted, cam off) ');
  });

  it('marks the focused pane with ▸ when the screen has no colours (NO_COLOR), where the border cannot show it', () => {
    expect(paneLabel(model({ focused: true, noColor: true, muted: true }), 80)).toBe(' ▸ alice (muted) ');
    expect(paneLabel(model({ focused: true, noColor: true, speaking: true }), 80)).toBe(' ▸ ♪ alice ');
    // Kept when the name is shortened: it says whom +, - and f act on.
    expect(paneLabel(model({ focused: true, noColor: true, name: LONGEST_NAME }), 12)).toBe(' ▸ ABCDEFG… ');
    expect(paneLabel(model({ focused: true }), 80)).toBe(' alice ');
    expect(paneLabel(model({ noColor: true }), 80)).toBe(' alice ');
  });

  it('counts combining marks as blessed does, so it never cuts a name without …: the whole name or a visible …', () => {
    const nguyen = 'Nguye\u0302\u0303n'; // "Nguyễn" with combining accents: 6 columns, 8 code points
    expect(paneLabel(model({ name: nguyen }), 10)).toBe(` ${nguyen} `);
    expect(paneLabel(model({ name: nguyen }), 9)).toBe(' Nguy… ');
    const names = [nguyen, 'สมศักดิ์ ศรีสุข', 'Z\u0351\u0351a\u0351lgo', '🇯🇵 Yuki', '❤️ Ana'];
    for (const name of names) {
      for (let width = 3; width < 40; width++) {
        const label = paneLabel(model({ name, noMicrophone: true, speaking: true }), width);
        expect(blessedLength(label)).toBeLessThanOrEqual(width);
        expect(label === '' || label.includes(name) || label.includes('…')).toBe(true);
      }
    }
  });

  it('in a real blessed pane the label stays whole on the top border, however narrow, with combining marks and emoji', () => {
    teachBlessedWideCharacters();
    const output = Object.assign(new PassThrough(), { columns: 60, rows: 200, isTTY: true });
    const screen = blessed.screen({ input: new PassThrough() as never, output: output as never, fullUnicode: true, warnings: false });
    try {
      // "สมศักดิ์ ศรีสุข" was cut to "สมศักดิ์" (the rest wrapped under the border), like another person's name.
      for (const name of ['สมศักดิ์ ศรีสุข', 'Nguye\u0302\u0303n', 'Z\u0351\u0351a\u0351\u0351lgo', 'Zoë 🎉 北京']) {
        const panes: Array<{ view: PaneView; width: number; y: number; label: string }> = [];
        for (let width = 6, y = 0; width < 40; width++, y += 3) {
          const view = new PaneView(screen);
          const pane = model({ name, noMicrophone: true, speaking: true });
          view.update(pane, { x: 0, y, width, height: 3 });
          panes.push({ view, width, y, label: paneLabel(pane, width - 3) });
        }
        screen.render();
        const { lines } = screen as unknown as { lines: Array<Array<[number, string]>> };
        // A wide character's second cell holds blessed's placeholder.
        const row = (y: number, width: number): string => (lines[y] ?? []).slice(0, width).map((cell) => cell[1]).join('').replace(/\x03/g, '');
        for (const { view, width, y, label } of panes) {
          // An empty label (too narrow for one letter and "…") leaves a blank cell.
          expect(row(y, width), `${name} in ${width} columns`).toMatch(new RegExp(`^┌─${label === '' ? ' ' : escapeRegExp(label)}─*┐$`));
          expect(row(y + 1, width).slice(1, -1).trim(), `${name} in ${width} columns`).toBe('');
          view.destroy();
        }
      }
    } finally {
      screen.destroy();
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

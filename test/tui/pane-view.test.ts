import { describe, expect, it } from 'vitest';
import { paneLabel, type PaneModel } from '../../src/tui/pane-view.js';

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
    expect(paneLabel(model({ name: '👩‍💻 dev' }), 7)).toBe(' 👩‍💻… ');
    expect(paneLabel(model({ name: '👩‍💻 dev' }), 6)).toBe('');
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
});

import { describe, expect, it } from 'vitest';
import { gridRects, gridShape, moveFocusIndex, screenLayout, spotlightRects } from '../../src/tui/layout.js';
import { borderColor } from '../../src/tui/pane-view.js';
import { incomingVideoFps, statusLines, type StatusInfo } from '../../src/tui/status-line.js';
import { bigName, visibleLength } from '../../src/tui/pane-view.js';
import { helpText, joinCommandLines } from '../../src/tui/overlays.js';

/** A status bar's figures: a call in room main on 192.0.2.10, joined, without TLS; `overrides` for the rest. */
function statusInfo(overrides: Partial<StatusInfo>): StatusInfo {
  return {
    room: 'main', address: '192.0.2.10:7447', tlsFingerprint: undefined, connection: 'joined',
    participants: 1, muted: false, cameraOff: false, rttMs: null, inKbps: 0, inFps: 0, outKbps: 0, colorMode: '256', joinLine: undefined,
    ...overrides,
  };
}

/** Text as the terminal shows it: blessed tags removed. */
const plain = (text: string): string => text.replace(/\{\/?[\w-]*\}/g, '');

describe('layout', () => {
  it('puts chat at the right on wide terminals and below on narrow ones, status at the bottom', () => {
    const wide = screenLayout(160, 48);
    expect(wide.chatPlacement).toBe('right');
    expect(wide.grid.width + wide.chat.width).toBe(160);
    expect(wide.status).toEqual({ x: 0, y: 46, width: 160, height: 2 });
    const narrow = screenLayout(80, 24);
    expect(narrow.chatPlacement).toBe('bottom');
    expect(narrow.grid.height + narrow.chat.height + narrow.status.height).toBe(24);
  });

  it('grids 1 → full, 2 → side by side, 4 → 2×2 on a wide area', () => {
    const area = { width: 120, height: 40 };
    expect(gridShape(1, area)).toEqual({ columns: 1, rows: 1 });
    expect(gridShape(2, area)).toEqual({ columns: 2, rows: 1 });
    expect(gridShape(4, area)).toEqual({ columns: 2, rows: 2 });
  });

  it('as the room grows the grid only gains columns and rows, and never has an empty row', () => {
    for (const [cols, rows, chat] of [[80, 24, true], [80, 24, false], [100, 30, true], [120, 40, true], [160, 48, true], [240, 70, false], [110, 94, true]] as const) {
      const area = screenLayout(cols, rows, chat).grid;
      let before = gridShape(1, area);
      for (let count = 2; count <= 100; count++) {
        const shape = gridShape(count, area);
        const where = `${count} people at ${cols}×${rows}${chat ? '' : ' without chat'}: ${shape.columns}×${shape.rows} after ${before.columns}×${before.rows}`;
        expect(shape.columns >= before.columns && shape.rows >= before.rows, where).toBe(true);
        expect((shape.rows - 1) * shape.columns < count && count <= shape.rows * shape.columns, where).toBe(true);
        before = shape;
      }
    }
  });

  it('at 80×24 the grid keeps its shape from 13 to 18 people and grows by a row at 28 (it was 7×2, 5×3, 8×2 for 14, 15, 16)', () => {
    const area = screenLayout(80, 24).grid;
    for (const count of [13, 14, 15, 16, 17, 18]) expect(gridShape(count, area)).toEqual({ columns: 6, rows: 3 });
    expect([27, 28, 29].map((count) => gridShape(count, area))).toEqual([{ columns: 9, rows: 3 }, { columns: 9, rows: 4 }, { columns: 9, rows: 4 }]);
  });

  it('keeps up to 16 panes within 6% of the widest picture any shape gives that many, on common terminals', () => {
    for (const [cols, rows, chat] of [[80, 24, true], [80, 24, false], [100, 30, true], [160, 48, true], [200, 60, true]] as const) {
      const area = screenLayout(cols, rows, chat).grid;
      // A pane's picture width in pixels at 4:3, as gridShape weighs it.
      const picture = (columns: number, rows: number) => Math.min(area.width / columns - 2, ((area.height / rows - 2) * 2 * 4) / 3);
      for (let count = 1; count <= 16; count++) {
        const widest = Math.max(...Array.from({ length: count }, (_, i) => picture(i + 1, Math.ceil(count / (i + 1)))));
        const { columns, rows: gridRows } = gridShape(count, area);
        expect(picture(columns, gridRows), `${count} people at ${cols}×${rows}`).toBeGreaterThanOrEqual(widest * 0.94);
      }
    }
  });

  it('tiles the area without overlap and centres a short last row', () => {
    const area = { x: 0, y: 0, width: 120, height: 40 };
    const rects = gridRects(3, area);
    expect(rects).toHaveLength(3);
    for (const r of rects) {
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.x + r.width).toBeLessThanOrEqual(120);
      expect(r.y + r.height).toBeLessThanOrEqual(40);
    }
    const shape = gridShape(3, area);
    if (shape.rows === 2) {
      const last = rects[2]!;
      expect(Math.abs(last.x - (120 - (last.x + last.width)))).toBeLessThanOrEqual(1);
    }
    expect(spotlightRects(3, 1, area)[1]).toEqual(area);
    expect(spotlightRects(3, 1, area)[0]!.width).toBe(0);
  });

  it('status line escapes braces in names and shows the host join line', () => {
    const [line1, line2] = statusLines({
      room: 'r{x}', address: '127.0.0.1:7447', tlsFingerprint: 'SHA256:abcdefghijklmnopqrstuvwxyz', connection: 'joined',
      participants: 3, muted: true, cameraOff: false, rttMs: 1.25, inKbps: 300, inFps: 15, outKbps: 250, colorMode: '256',
      joinLine: 'livecomm-tui connect 192.0.2.1:7447',
    });
    expect(line1).toContain('r{open}x{close}');
    expect(line1).toContain('mic OFF');
    expect(line1).toContain('RTT 1.3 ms');
    expect(line2).toContain('livecomm-tui connect 192.0.2.1:7447');
  });

  it("status line: the incoming frame rate is the video that arrives, not lowered by those without a camera", () => {
    const stream = (fps: number, frames: number) => ({ video: { fps, frames } });
    expect(incomingVideoFps([stream(15, 30), stream(0, 0)])).toBe(15);
    expect(incomingVideoFps([stream(15, 30), stream(10, 20)])).toBe(12.5);
    expect(incomingVideoFps([stream(0, 0)])).toBe(0);
    expect(incomingVideoFps([])).toBe(0);
  });

  it('status line: on a narrow terminal the least useful parts go first, never the state, room, people or mic/cam', () => {
    const info = statusInfo({ participants: 4, cameraOff: true, rttMs: 12, inKbps: 600, inFps: 15, outKbps: 250, colorMode: 'truecolor' });
    const shown = (width: number): string => plain(statusLines(info, width)[0]);
    expect(shown(200)).toBe(' ● in call │ main @ 192.0.2.10:7447 no TLS │ 4 here │ mic on cam OFF │ RTT 12 ms │ ↓600 kbit/s 15 fps ↑250 kbit/s │ truecolor');
    expect(shown(80)).toBe(' ● in call │ main @ 192.0.2.10:7447 no TLS │ 4 here │ mic on cam OFF │ RTT 12 ms');
    expect(shown(60)).toBe(' ● in call │ main no TLS │ 4 here │ mic on cam OFF');
    for (const width of [200, 110, 80, 70, 60]) expect(shown(width).length).toBeLessThanOrEqual(width);
  });

  it('status line: a long room name over TLS still leaves your microphone and camera in view, the room cut last', () => {
    const tls = 'SHA256:4f3AXzfDOyRd8WZYDiyrn4g59plXWJIRCcviiXqs/ds';
    const shown = (info: Partial<StatusInfo>, width = 80): string =>
      plain(statusLines(statusInfo({ tlsFingerprint: tls, ...info }), width)[0]);
    // At 80 columns, "standup" with push-to-talk, or a 19-letter room, left the end of the line (cam OFF) unseen.
    expect(shown({ room: 'standup', pushToTalk: 'up', cameraOff: true }))
      .toBe(' ● in call │ standup TLS │ 1 here │ hold Space to talk cam OFF');
    expect(shown({ room: 'engineering-standup', muted: true })).toBe(' ● in call │ engineering-standup TLS │ 1 here │ mic OFF cam on');
    // The longest room (32), push-to-talk and audio only: the room gives way, with …, before any of the rest.
    const room = 'abcdefghijklmnopqrstuvwxyz012345';
    const crowded = shown({ room, pushToTalk: 'up', cameraOff: true, audioOnly: true });
    expect(crowded).toMatch(/^ ● in call │ abcdefghij\S*… TLS │ 1 here │ hold Space to talk cam OFF audio only$/);
    expect(crowded.length).toBe(80);
    const connectionDetail = { long: 'x'.repeat(60), short: 'again in 8 s' };
    const retrying = shown({ room, connection: 'reconnecting', connectionDetail, pushToTalk: 'up' });
    expect(retrying).toMatch(/^ ● reconnecting… again in 8 s │ abc\S*… TLS │ hold Space to talk cam on$/);
    for (const width of [80, 100, 120]) expect(shown({ room, pushToTalk: 'up' }, width).length).toBeLessThanOrEqual(width);
  });

  it('status line with push-to-talk: "hold Space to talk", "talking" while it is held, "mic OFF" when muted; Space in the keys', () => {
    const info = statusInfo({ participants: 2, rttMs: 1 });
    expect(plain(statusLines({ ...info, pushToTalk: 'up' })[0])).toContain('hold Space to talk cam on');
    expect(plain(statusLines({ ...info, pushToTalk: 'down' })[0])).toContain('talking cam on');
    expect(plain(statusLines({ ...info, pushToTalk: 'down', muted: true })[0])).toContain('mic OFF');
    expect(statusLines({ ...info, pushToTalk: 'up' })[1]).toMatch(/^ Space talk {2}m mute/);
    // At 80 columns the least needed hints give way; how to leave and find the rest never do.
    const narrow = statusLines({ ...info, pushToTalk: 'up' }, 80)[1];
    expect(visibleLength(narrow)).toBeLessThanOrEqual(80);
    expect(narrow).toMatch(/^ Space talk {2}m mute .*\? help {2}q leave$/);
    expect(narrow).not.toContain('f spotlight');
    expect(statusLines(info)[1]).toMatch(/^ m mute/);
  });

  it('status line with the chat line open: its keys, not the call keys (off while it is open), for a host too', () => {
    const info = statusInfo({ participants: 2, rttMs: 1 });
    expect(statusLines({ ...info, chatOpen: true })[1]).toBe(' Enter send  Esc close  ↑ history  PgUp/PgDn scroll  End newest');
    expect(statusLines({ ...info, pushToTalk: 'up', joinLine: 'livecomm-tui connect 192.0.2.1:7447', chatOpen: true })[1]).toMatch(/^ Enter send {2}Esc close/);
    // Narrow: scrolling and history give way; how to send and close never do.
    expect(statusLines({ ...info, chatOpen: true }, 24)[1]).toBe(' Enter send  Esc close');
  });

  it('status line: a host\'s join line on 80 columns keeps ? and q beside it, y giving way first', () => {
    const info = statusInfo({ joinLine: 'livecomm-tui connect 192.168.1.10:7447' });
    expect(plain(statusLines(info, 80)[1])).toBe(' others join with: livecomm-tui connect 192.168.1.10:7447  │ ? keys  q end call');
  });

  it('status line while keys wait for the server: Ctrl-C is the one key, named for what it does (a host ends the call)', () => {
    expect(statusLines(statusInfo({ keysHeld: true }))[1]).toMatch(/^ Ctrl-C leave {2}\(keys typed now wait/);
    const host = statusInfo({ keysHeld: true, joinLine: 'livecomm-tui connect 192.168.1.10:7447' });
    expect(statusLines(host)[1]).toMatch(/^ Ctrl-C end call {2}\(keys typed now wait/);
  });

  it('status line: a host\'s join line too long for the terminal is cut, still naming ? where it fits; the help shows it whole', () => {
    const joinLine = `livecomm-tui connect 192.0.2.10:7447 --tls --fingerprint SHA256:${'x'.repeat(43)}`;
    const info = statusInfo({ joinLine });
    const shown = (width: number): string => plain(statusLines(info, width)[1]);
    expect(shown(200)).toBe(` others join with: ${joinLine}  │ y copy  ? keys  q end call`);
    expect(shown(joinLine.length + 20)).toBe(` others join with: ${joinLine}`);
    expect(shown(joinLine.length + 29)).toBe(` others join with: ${joinLine}  │ ? keys`);
    expect(shown(80).length).toBe(80);
    // At 80 columns (the least the call screen takes) the cut line still names ? beside it, as the others' rows do.
    expect(shown(80)).toMatch(/^ others join with: livecomm-tui connect 192\.0\.2\.1.*… \(y copies it whole\) {2}│ \? keys$/);
    // Wider, the cut line names q too, as every other bottom row does: a TLS host at 100 to 140 columns saw only ?.
    // Not ending in a flag's first dash (`7447 -…`), which reads as part of the command: cut before it.
    expect(shown(100)).toMatch(/^ others join with: livecomm-tui connect 192\.0\.2\.10:7447… \(y copies it whole\)/);
    expect(shown(100)).toMatch(/ {2}│ \? keys {2}q end call$/);
    expect(shown(100).length).toBeLessThanOrEqual(100);
    // Narrower, the line keeps what it can of itself.
    expect(shown(60)).toMatch(/^ others join with: livecomm-tui con.*… \(y copies it whole\)$/);
    expect(shown(60).length).toBe(60);
    const help = helpText(74, joinLine);
    // As shell lines that paste as one command: broken between words only, each but the last ending in " \".
    const shell = plain(help).split('\n').slice(1, 3);
    expect(shell).toEqual(['  livecomm-tui connect 192.0.2.10:7447 --tls --fingerprint \\', `    SHA256:${'x'.repeat(43)}`]);
    expect(shell.join('\n').replace(/ \\\n\s+/g, ' ').trim()).toBe(joinLine);
    for (const line of help.split('\n')) expect(visibleLength(line)).toBeLessThanOrEqual(74);
    // Narrower than a word: that word alone on its line, and no empty continuation line before it.
    const narrow = joinCommandLines(joinLine, 30).map(plain);
    expect(narrow.at(-1)).toBe(`    SHA256:${'x'.repeat(43)}`);
    expect(narrow.every((line) => line.trim() !== '\\')).toBe(true);
  });

  it('moves the focus along the grid: left/right step, up/down jump a row, both wrap', () => {
    // A 3×3 grid: index 8 is bottom right.
    expect(moveFocusIndex(8, 9, 3, 'up')).toBe(5);
    expect(moveFocusIndex(8, 9, 3, 'down')).toBe(2);
    expect(moveFocusIndex(8, 9, 3, 'next')).toBe(0);
    expect(moveFocusIndex(0, 9, 3, 'previous')).toBe(8);
    expect(moveFocusIndex(1, 9, 3, 'up')).toBe(7);
    expect(moveFocusIndex(0, 0, 3, 'down')).toBe(0);
  });

  it('moves up and down to the nearest pane of a short, centred last row and back', () => {
    // 5 panes in 3 columns: 0 1 2 above, 3 and 4 centred below them.
    expect(moveFocusIndex(0, 5, 3, 'down')).toBe(3);
    expect(moveFocusIndex(2, 5, 3, 'down')).toBe(4);
    expect(moveFocusIndex(4, 5, 3, 'up')).toBe(1);
    expect(moveFocusIndex(4, 5, 3, 'down')).toBe(1);
    expect(moveFocusIndex(0, 5, 3, 'up')).toBe(3);
    expect(moveFocusIndex(2, 5, 3, 'up')).toBe(4);
    // 7 in 3 columns: the last one sits under the middle.
    expect(moveFocusIndex(6, 7, 3, 'up')).toBe(4);
    expect(moveFocusIndex(5, 7, 3, 'down')).toBe(6);
    // One row: up and down stay.
    expect(moveFocusIndex(1, 3, 3, 'down')).toBe(1);
  });

  it('keeps the focused pane visible while that person speaks', () => {
    expect(borderColor({ focused: true, speaking: true })).toBe('yellow');
    expect(borderColor({ focused: false, speaking: true })).toBe('green');
    expect(borderColor({ focused: false, speaking: false })).toBe('grey');
  });

  it('writes a camera-off name in block letters when it fits, plain when not', () => {
    expect(bigName('Ada', 40, 'camera off')).toContain('▄▀▄');
    expect(bigName('Zoë', 40, 'camera off')).toContain('Zoë');
  });
});

import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import type { CallStats } from '../../src/client/call-types.js';
import { STATUS_ROWS } from '../../src/tui/layout.js';
import { Overlay, helpText, overlayHeight, overlayKeyAction, overlayWidth, statsText, wrapLine } from '../../src/tui/overlays.js';
import { visibleLength } from '../../src/tui/pane-view.js';

describe('keys while an overlay shows', () => {
  it('help: any key closes it, s included', () => {
    for (const [ch, name] of [['x', 'x'], ['s', 's'], [undefined, 'escape'], ['q', 'q']] as const) {
      expect(overlayKeyAction('help', ch, name)).toBe('close');
    }
  });

  it('help: y closes it and goes on to the call keys (it copies the join command the help shows)', () => {
    expect(overlayKeyAction('help', 'y', 'y')).toBe('close-and-pass');
    expect(overlayKeyAction('stats', 'y', 'y')).toBe('pass');
  });

  it('leave question: y or Y leaves, anything else cancels', () => {
    expect(overlayKeyAction('confirm-leave', 'y', 'y')).toBe('leave');
    expect(overlayKeyAction('confirm-leave', 'Y', 'y')).toBe('leave');
    expect(overlayKeyAction('confirm-leave', 'n', 'n')).toBe('close');
    expect(overlayKeyAction('confirm-leave', undefined, 'escape')).toBe('close');
    expect(overlayKeyAction('confirm-leave', 'q', 'q')).toBe('close');
  });

  it('help and stats: PgUp/PgDn scroll them instead of closing or reaching the chat', () => {
    for (const kind of ['help', 'stats'] as const) {
      expect(overlayKeyAction(kind, undefined, 'pageup')).toBe('scroll-up');
      expect(overlayKeyAction(kind, undefined, 'pagedown')).toBe('scroll-down');
    }
    expect(overlayKeyAction('confirm-leave', undefined, 'pagedown')).toBe('close');
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
    // On its first line: on a small terminal the end of the help is below the box.
    expect(text.split('\n')[0]).toMatch(/livecomm-tui keys.*\(PgUp\/PgDn or the wheel scroll; any other key closes this help\)/);
  });

  it("lists y (copy the join command) only for a host, who has a join command to copy", () => {
    expect(helpText()).not.toMatch(/copy the join command/);
    expect(helpText(Number.POSITIVE_INFINITY, 'livecomm-tui connect 192.0.2.2:7447')).toMatch(/\{yellow-fg\}y\s*\{\/yellow-fg\}\s+hosting: copy the join command/);
  });
});

describe('overlay text on narrow terminals', () => {
  it('measures tagged text by what shows: tags take no room, escaped braces one column', () => {
    expect(visibleLength('{bold}ab{/bold} {open}x{close}')).toBe(6);
    expect(visibleLength('{yellow-fg}paused{/yellow-fg}')).toBe(6);
  });

  it('wraps between words, keeps a row\'s inner spacing, and hangs continuation lines', () => {
    expect(wrapLine('  key   one two three four', 14, 8)).toEqual(['  key   one', '        two', '        three', '        four']);
    expect(wrapLine('short  line', 40, 2)).toEqual(['short  line']);
    // Tags do not count towards the width.
    expect(wrapLine('{bold}aaaa{/bold} bbbb cccc', 9, 0)).toEqual(['{bold}aaaa{/bold} bbbb', 'cccc']);
  });

  it('help fits the box of an 80-column terminal: no line too long, no word cut, wrapped actions in the action column', () => {
    const width = overlayWidth(80) - 4;
    const lines = helpText(width).split('\n');
    for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(width);
    const flat = lines.map((l) => l.trim()).join(' ');
    for (const word of ['participant', 'everyone', 'truecolor', 'mentions']) expect(flat).toContain(word);
    const shown = lines.map((l) => l.replace(/\{\/?[\w-]*\}/g, ''));
    const continuation = shown.find((l) => /^ +stays open for the next/.test(l));
    expect(continuation?.indexOf('stays')).toBe(shown.find((l) => l.includes('type a chat'))!.indexOf('type'));
    // Wide terminals get the rows unwrapped.
    expect(helpText(200).split('\n').length).toBeLessThan(lines.length);
  });

  it('stats on an 80-column screen wrap between figures, not between a figure\'s name and its number', () => {
    const window = { fps: 15, kbps: 205, latencyP50Ms: 11, latencyP95Ms: 18, framesDropped: 0, frames: 30 };
    const stats: CallStats = {
      streams: [{ id: 2, name: 'host', video: window, audio: { ...window, fps: 50, kbps: 24, latencyP50Ms: 0.6 } }],
      rttMs: 0.5, uplinkKbps: 214, videoFramesSkipped: 0, videoFramesAdapted: 0,
      videoSend: {
        sending: true, source: 'pattern', step: 0, fps: 15, quality: 80, bitrateKbps: 240, scale: 1, paused: false,
        remoteCongestion: 0, uplinkCongestion: 0,
      },
      audioSend: { transmit: 'voice', sending: false, framesNotSent: 0, source: null },
    };
    const extras = {
      resolutionOf: () => '160×120', jitterDelayMs: () => 40, videoBytesPerSecond: 9_216, flushesSkipped: 0,
    };
    // 73 columns: the stats box's text on an 80-column terminal, where "(slow uplink)" ended a row and its "0" stood
    // alone below it.
    const rows = statsText(stats, extras, 73).split('\n');
    expect(rows).toContain('    video frames skipped (slow uplink) 0');
    expect(rows).toContain('      jitter buffer 40 ms');
    expect(rows.filter((row) => /^\s*\d+$/.test(row))).toEqual([]);
    for (const row of rows) expect(visibleLength(row)).toBeLessThanOrEqual(73);
    // A figure wider than the box still breaks between its words, within the box.
    for (const row of statsText(stats, extras, 30).split('\n')) expect(visibleLength(row)).toBeLessThanOrEqual(30);
  });

  it('stats fit the box too', () => {
    const window = { fps: 14.5, kbps: 344, latencyP50Ms: 12.3, latencyP95Ms: 20.1, framesDropped: 0, frames: 29 };
    const stats: CallStats = {
      streams: [{ id: 2, name: 'Ada Lovelace', video: window, audio: { ...window, fps: 50, kbps: 22 } }],
      rttMs: 1.2, uplinkKbps: 242, videoFramesSkipped: 0, videoFramesAdapted: 0,
      videoSend: { sending: true, source: 'pattern 160×120 at 15 fps', step: 1, fps: 10, quality: 50, bitrateKbps: 240, scale: 0.75, paused: false, remoteCongestion: 1, uplinkCongestion: 0 },
      audioSend: { transmit: 'voice', sending: false, framesNotSent: 120, source: 'default microphone, noise suppression' },
    };
    const extras = { resolutionOf: () => '160×106', jitterDelayMs: () => 40, videoBytesPerSecond: 51_200, flushesSkipped: 3 };
    for (const width of [50, 74]) {
      const text = statsText(stats, extras, width);
      for (const line of text.split('\n')) expect(visibleLength(line)).toBeLessThanOrEqual(width);
      expect(text).toContain('jitter');
      expect(text).toMatch(/stepped\s+down/);
      expect(text).toMatch(/quality\s+50\s+\(for\s+240\s+kbit\/s\)/);
      expect(text).toMatch(/not\s+sending:\s+silent/);
      expect(text).toMatch(/noise\s+suppression/);
    }
    expect(statsText({ ...stats, audioSend: { transmit: 'continuous', sending: true, framesNotSent: 0, source: '' } }, extras)).toContain('your audio: sent all the time');
    const echo = (echoLeftDb: number, pathChanges: number, pathShifts = 0): string =>
      statsText({ ...stats, audioSend: { ...stats.audioSend!, echoCancellation: { echoLeftDb, pathChanges, pathShifts } } }, extras);
    expect(echo(-6.02, 0)).toContain('echo cancellation: learning');
    expect(echo(-41.6, 2)).toContain('echo cancellation: their echo 42 dB down, learnt anew 2×');
    expect(echo(-41.6, 0)).not.toContain('learnt anew');
    expect(echo(-30.2, 1, 3)).toContain('their echo 30 dB down, learnt anew 1×, followed its delay 3×');
    expect(statsText(stats, extras)).not.toContain('echo cancellation');
    // How long the terminal takes to read a frame (over SSH, the link): shown once it has answered.
    expect(statsText(stats, extras)).toContain('50 KiB/s of video, 3 frames skipped (terminal behind)\n');
    expect(statsText(stats, { ...extras, terminalRoundTripMs: 182.4 })).toContain('3 frames skipped (terminal behind), reads a frame in 182 ms');
    expect(statsText(stats, { ...extras, terminalRoundTripMs: 0.42 })).toContain('reads a frame in 0.4 ms');
    // Your own microphone and camera: none, muted or off say so instead of the sender's settings.
    const self = { muted: false, cameraOff: false };
    expect(statsText(stats, { ...extras, self: { ...self, cameraOff: true } })).toContain('your video: camera off (v: on)\n');
    expect(statsText(stats, { ...extras, self: { ...self, noCamera: true } })).toContain('your video: none (no camera');
    expect(statsText(stats, { ...extras, self: { ...self, muted: true } })).toContain('your audio: muted (m: unmute)\n  your audio source: default microphone');
    expect(statsText(stats, { ...extras, self: { ...self, noMicrophone: true } })).toContain('your audio: none (no microphone');
    expect(statsText({ ...stats, audioSend: { ...stats.audioSend!, source: null } }, extras)).toContain('your audio: none (no microphone');
    // Lost for a while, not for good: no advice to restart with another source.
    const reopening = statsText({ ...stats, audioSend: { ...stats.audioSend!, reopening: true } }, { ...extras, self: { ...self, noMicrophone: true } });
    expect(reopening).toContain('your audio: none for now (the microphone was lost; it is being opened again)');
    expect(reopening).not.toContain('--audio');
    expect(statsText(stats, { ...extras, self })).toContain('your video: 10 fps');
    const audioOnly = statsText(stats, { ...extras, audioOnly: true });
    expect(audioOnly).toContain('video not received (audio only; a: video again)');
    expect(audioOnly).not.toContain('160×106');
  });

  it('the box takes nearly all of a narrow terminal and 80 % of a wide one', () => {
    expect(overlayWidth(80)).toBe(78);
    expect(overlayWidth(100)).toBe(90);
    expect(overlayWidth(200)).toBe(160);
  });
});

describe('overlay height', () => {
  it('is 70 % of the screen, grows to fit long text, and never leaves the screen', () => {
    expect(overlayHeight(40, 10)).toBe(28);
    expect(overlayHeight(40, 34)).toBe(36);
    expect(overlayHeight(40, 80)).toBe(38);
    expect(overlayHeight(24, 22)).toBe(22);
  });

  it('leaves the status bar uncovered: centred above it, not on the screen', () => {
    // Streams posing as an 80×24 tty: layout only, in-process; the tmux tests (integration/tui.test.ts) use a real one.
    const output = Object.assign(new PassThrough(), { columns: 80, rows: 24, isTTY: true });
    const screen = blessed.screen({ input: new PassThrough() as never, output: output as never, warnings: false });
    try {
      const overlay = new Overlay(screen);
      for (const lines of [5, 60]) {
        overlay.show('help', () => Array.from({ length: lines }, (_, i) => `line ${i}`).join('\n'));
        const box = (screen.children as blessed.Widgets.BoxElement[]).find((c) => c.visible)!;
        expect(box.atop).toBeGreaterThanOrEqual(0);
        expect((box.atop as number) + (box.height as number)).toBeLessThanOrEqual(24 - STATUS_ROWS);
      }
    } finally {
      screen.destroy();
    }
  });
});

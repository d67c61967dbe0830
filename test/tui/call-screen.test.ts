/**
 * The whole call screen in-process (call-screen-harness.ts): what a terminal shows after the screen's own sequences
 * of events, where no single part's test sees it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../src/tui/chat-time.js';
import { CallScreenHarness, participant } from '../helpers/call-screen-harness.js';

const open: CallScreenHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});
function callScreen(cols: number, rows: number): CallScreenHarness {
  const h = new CallScreenHarness({ cols, rows });
  open.push(h);
  return h;
}

describe('the call screen as the terminal shows it', () => {
  it('a chat line with a wide character cut by the help\'s border keeps all its letters when the help closes', async () => {
    // 120×40: the help's right border (column 107) crosses the chat, on the first cell of 中 after eight letters.
    const h = callScreen(120, 40);
    const kim = participant('Kim');
    h.call.emit({ type: 'participant-joined', participant: kim });
    await h.settle();
    h.type('?');
    await h.settle();
    h.call.emit({ type: 'chat', entry: { fromId: kim.id, from: 'Kim', text: 'aaaaaaaa中z', ts: Date.now() } });
    await h.settle();
    h.type('x');
    await h.settle();
    expect(h.parts.overlay.kind).toBeUndefined();
    expect(h.text().join('\n')).toContain('Kim: aaaaaaaa中z');
  });

  it('leaves no picture of someone whose pane moved and who then dropped out before their next frame', async () => {
    const h = callScreen(100, 30);
    const ada = participant('Ada');
    h.call.emit({ type: 'participant-joined', participant: ada });
    await h.settle();
    // Stripes: every cell a half block of two colours.
    const width = 32;
    const height = 24;
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) data.set(Math.floor(i / width) % 2 ? [250, 250, 250, 255] : [0, 0, 90, 255], i * 4);
    h.call.emit({ type: 'video', id: ada.id, image: { width, height, data }, captureTs: 0 });
    await h.settle();
    expect(h.text().join('')).toMatch(/[▀▄]/);
    // Ada's link froze: no more frames. Grace joins (Ada's pane moves), then Ada drops out.
    const grace = participant('Grace');
    h.call.emit({ type: 'participant-joined', participant: grace });
    await h.settle();
    h.call.emit({ type: 'participant-left', id: ada.id, name: 'Ada', reason: 'timeout' });
    await h.settle();
    expect(h.text().join('\n')).not.toMatch(/[▀▄]/);
  });

  it('survives a narrower terminal with an emoji joined by U+200D (👩‍💻) in the chat', async () => {
    // At 120×40 the chat is on the right. Made narrower, blessed draws once at the new size with the old places before
    // the screen lays out again, the chat past the right edge: it drew the rest of a row cut at the edge at the start
    // of the next, and the joiner there went in the cell before that row, beyond the edge: a TypeError that ended the
    // program.
    const h = callScreen(120, 40);
    h.call.emit({ type: 'chat', entry: { fromId: 9, from: 'ghost', text: 'é 中文字 👩‍💻 @me me q', ts: Date.now() } });
    await h.settle();
    await h.resize(100, 30);
    await h.settle();
    expect(h.text().join('\n')).toContain('👩');
    expect(h.text()[h.rows - 2]).toContain('room @');
  });
  it.each([3_600_000, -3_600_000, 60_000])(
    "shows others' chat at this machine's time, as your own, when the server's clock is %i ms from it (a clock set since it started)",
    async (offsetMs) => {
      const h = callScreen(120, 40);
      h.call.serverOffsetMs = -offsetMs;
      const said = h.call.serverWallMs();
      h.call.emit({
        type: 'joined', rejoined: false,
        welcome: {
          id: 1, name: 'me', room: 'room', participants: [], audioCodec: 'opus', server: 's', pingIntervalMs: 1000, idleTimeoutMs: 5000,
          resumeToken: 't', chat: [{ fromId: 9, from: 'Ann', text: 'earlier', ts: said - 1000 }],
        },
      });
      h.call.emit({ type: 'chat', entry: { fromId: 9, from: 'Ann', text: 'just now', ts: said } });
      await h.settle();
      const screen = h.text().join('\n');
      // Read right after: a minute turning over in between reads either side of it.
      const now = [clock(said + offsetMs - 1000), clock(Date.now())];
      expect(now.some((t) => screen.includes(`${t} Ann: just now`))).toBe(true);
      expect(now.some((t) => screen.includes(`${t} Ann: earlier`))).toBe(true);
      // No day line: the history is from today.
      expect(screen).not.toMatch(/— \w+day /);
    },
  );
});

describe('the room in the status bar', () => {
  it('is spelt as the server has it once joined: `--room Standup` joins the room opened as `standup`', async () => {
    const h = callScreen(120, 40);
    h.call.emit({
      type: 'joined', rejoined: false,
      welcome: { id: 1, name: 'me', room: 'standup', participants: [], audioCodec: 'opus', server: 's', pingIntervalMs: 1000, idleTimeoutMs: 5000, resumeToken: 't', chat: [] },
    });
    await h.settle();
    expect(h.text()[h.rows - 2]).toContain('standup @');
    expect(h.text()[h.rows - 2]).not.toContain('room @');
    expect(h.screen.title).toBe('livecomm-tui · standup (1)');
  });
});

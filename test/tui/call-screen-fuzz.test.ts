/**
 * Randomized call screen: keys (every bound one, printable, unicode, control), pastes with and without brackets,
 * escape sequences split across reads, resizes down to 1×1 and back, people joining, leaving, muting and sending video
 * and chat, the password box, reconnects and the stats overlay, in random order from fixed seeds. After each step the
 * screen must hold: no exception, nothing written outside the terminal, what the terminal shows is what blessed
 * believes it shows (outside the video), the status bar and chat line back at a usable size, no pane for who left,
 * and keys with their owner (the open chat line or the password box, never the call keys).
 */
import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import type { PasswordAskReason } from '../../src/client/password-asks.js';
import type { ParticipantInfo } from '../../src/protocol/index.js';
import { screenLayout } from '../../src/tui/layout.js';
import { CallScreenHarness, participant } from '../helpers/call-screen-harness.js';
import { rng } from '../helpers/rng.js';

const BOUND_KEYS = [
  'm', 'v', 'c', '\r', 'a', ' ', '\t', '\x1b[Z', '\x1b[A', '\x1b[B', '\x1b[C', '\x1b[D', 'f', '+', '=', '-', '_', 'r',
  'g', 'i', 'b', 's', '?', 'y', 'n', '\x1b[5~', '\x1b[6~', '\x1b[F', '\x1b[4~', 'q', '\x1b', '\x7f', '\x15', '\x04',
  '\x01', '\x05', '\x1bb', '\x1bf', '\x1bd', '\x1b\x7f', '\x1bq', '\x1b?', '\x0e', '\x10', '\x03',
];
const UNICODE = ['é', 'e\u0301', '中', '👩‍💻', '🇫🇷', '\u200b', 'ﷺ', '𝔘', '\u0000', '\x1f', '{', '}', '{red-fg}'];
const WORDS = ['hello', 'q', 'quit', 'm', '中文字', '👩‍💻', '{bold}x{/bold}', 'me', '@me', 'a'.repeat(300), '\t', 'x\ny', 'é'];

/** How often each action of session() is taken, in its order. */
const ACTION_WEIGHTS = [30, 4, 3, 3, 2, 4, 5, 4, 4, 8, 2, 5, 2, 3, 2, 2, 3, 1, 1];

/** Terminal sizes a session starts in: the smallest the call takes, a common one, and one with the chat on the right. */
const SIZES: Array<[number, number]> = [[80, 24], [100, 30], [120, 40]];

/** One step of a session: which action, and the seed of its own random choices (so steps can be left out). */
interface Step {
  action: number;
  seed: number;
}

/** A session's steps from one seed. */
function plan(seed: number, steps: number): { host: boolean; ptt: boolean; size: [number, number]; steps: Step[] } {
  const random = rng(seed);
  const total = ACTION_WEIGHTS.reduce((sum, w) => sum + w, 0);
  const host = random() < 0.3;
  const ptt = random() < 0.3;
  const size = SIZES[Math.floor(random() * SIZES.length)]!;
  return {
    host,
    ptt,
    size,
    steps: Array.from({ length: steps }, () => {
      let roll = random() * total;
      const action = ACTION_WEIGHTS.findIndex((w) => (roll -= w) < 0);
      return { action, seed: Math.floor(random() * 2 ** 32) };
    }),
  };
}

/** Runs the steps on a fresh call screen; throws at the first broken invariant, with the steps that led there. */
async function session({ host, ptt, size }: { host: boolean; ptt: boolean; size: [number, number] }, steps: readonly Step[]): Promise<string[]> {
  let random = rng(0);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (n: number): number => Math.floor(random() * n);
  const h = new CallScreenHarness({
    cols: size[0], rows: size[1], transmit: ptt ? 'ptt' : 'voice', ...(host ? { joinLine: 'livecomm-tui join 127.0.0.1:1 room --fingerprint ab:cd' } : {}),
  });
  const log: string[] = [];
  const present = new Map<number, ParticipantInfo>();
  const gone: ParticipantInfo[] = [];
  let names = 0;
  const text = (): string => Array.from({ length: 1 + int(6) }, () => pick(random() < 0.7 ? WORDS : UNICODE)).join(' ');

  const welcome = (rejoined: boolean): void => {
    h.call.emit({
      type: 'joined', rejoined,
      welcome: {
        id: 1, name: 'me', room: 'room', participants: [...present.values()], chat: [], audioCodec: 'opus', server: 's',
        pingIntervalMs: 1000, idleTimeoutMs: 5000, resumeToken: 't',
      },
    });
  };

  const actions: Array<[weight: number, name: string, run: () => void | Promise<void>]> = [
    [30, 'key', async () => {
      const key = random() < 0.6 ? pick(BOUND_KEYS) : random() < 0.5 ? String.fromCharCode(32 + int(95)) : pick(UNICODE);
      log.push(`key ${JSON.stringify(key)}`);
      keyChecked(h, key);
      // A lone Esc is held back a moment for the rest of a sequence (terminal-input.ts): let it go on as Esc.
      if (key === '\x1b') await new Promise((resolve) => setTimeout(resolve, 60));
    }],
    [4, 'paste', () => {
      const body = text() + (random() < 0.5 ? '\r' : '');
      log.push(`paste ${JSON.stringify(body)}`);
      h.type(`\x1b[200~${body}\x1b[201~`);
    }],
    [3, 'burst', () => {
      const body = `${text()}xy`;
      log.push(`burst ${JSON.stringify(body)}`);
      h.type(body);
    }],
    [3, 'split', () => {
      const key = pick(['\x1b[A', '\x1b[5~', '\x1b[200~pasted\x1b[201~', '\x1b[Z', '\x1bb', '\x1b[M #!']);
      const at = 1 + int(key.length - 1);
      log.push(`split ${JSON.stringify(key.slice(0, at))} ${JSON.stringify(key.slice(at))}`);
      h.type(key.slice(0, at));
      h.type(key.slice(at));
    }],
    [2, 'click', () => {
      const x = int(Math.min(h.cols, 200));
      const y = int(Math.min(h.rows, 200));
      const button = pick([0, 64, 65]);
      const click = `\x1b[M${String.fromCharCode(32 + button, 33 + x, 33 + y)}`;
      log.push(`click ${button} ${x},${y}`);
      h.type(click);
      if (button === 0) h.type(`\x1b[M${String.fromCharCode(35, 33 + x, 33 + y)}`);
    }],
    [4, 'resize', async () => {
      const [cols, rows] = pick([[1, 1], [10, 5], [79, 24], [80, 23], [80, 24], [100, 30], [120, 40], [300, 50], [40, 100], [2 + int(200), 2 + int(60)]]);
      log.push(`resize ${cols}x${rows}`);
      await h.resize(cols!, rows!);
    }],
    [5, 'join', () => {
      if (present.size >= 40) return;
      // Sometimes someone who left comes back (same name, a new id).
      const back = gone.length > 0 && random() < 0.3 ? gone.splice(int(gone.length), 1)[0]! : undefined;
      const p = participant(back?.name ?? `P${names++}${pick(['', 'é', '中文', '👩‍💻', ' long name of someone'])}`, { muted: random() < 0.3 });
      present.set(p.id, p);
      log.push(`join ${p.id} ${p.name}`);
      h.call.emit({ type: 'participant-joined', participant: p });
    }],
    [4, 'leave', () => {
      if (present.size === 0) return;
      const p = pick([...present.values()]);
      present.delete(p.id);
      gone.push(p);
      const reason = pick(['leave', 'timeout', 'replaced', 'kicked']);
      log.push(`leave ${p.id} ${reason}`);
      h.call.emit({ type: 'participant-left', id: p.id, name: p.name, reason });
    }],
    [4, 'state', () => {
      const p = present.size > 0 && random() < 0.8 ? pick([...present.values()]) : gone[0];
      if (!p) return;
      const state = { ...p, muted: random() < 0.5, cameraOff: random() < 0.3, ...(random() < 0.1 ? { recording: true as const } : {}), name: random() < 0.2 ? `${p.name}-renamed` : p.name };
      log.push(`state ${p.id}`);
      h.call.emit({ type: 'state', participant: state });
    }],
    [8, 'video', () => {
      const p = random() < 0.8 && present.size > 0 ? pick([...present.values()]) : gone[gone.length - 1];
      if (!p) return;
      const width = 1 + int(64);
      const height = 1 + int(48);
      const data = new Uint8Array(width * height * 4);
      for (let i = 0; i < data.length; i++) data[i] = int(256);
      log.push(`video ${p.id} ${width}x${height}`);
      h.call.emit({ type: 'video', id: p.id, image: { width, height, data }, captureTs: 0 });
    }],
    [2, 'self-video', () => {
      const width = 8;
      const height = 6;
      log.push('self-video');
      h.call.emit({ type: 'self-video', frame: { type: 'rgba', width, height, data: new Uint8Array(width * height * 4).fill(128), captureTs: 0 } });
    }],
    [5, 'chat', () => {
      const count = random() < 0.1 ? 30 : 1;
      for (let i = 0; i < count; i++) {
        const from = present.size > 0 ? pick([...present.values()]) : { id: 99, name: 'ghost' };
        const said = text();
        log.push(`chat from ${from.name}: ${JSON.stringify(said)}`);
        h.call.emit({ type: 'chat', entry: { fromId: from.id, from: from.name, text: said, ts: Date.now() } });
      }
    }],
    [2, 'password', () => {
      const why = pick<PasswordAskReason>(['needed', 'wrong', 'changed']);
      log.push(`password-needed ${why}`);
      h.call.emit({ type: 'password-needed', why, lastTry: false });
    }],
    [3, 'status', () => {
      const status = pick(['connecting', 'reconnecting', 'joined'] as const);
      const retry = random() < 0.5 ? { detail: 'refused', attempt: int(3), attempts: 3, retryInMs: 500 } : {};
      log.push(`status ${status}`);
      h.call.emit({ type: 'status', status, ...retry });
    }],
    [2, 'reconnect', () => {
      log.push('reconnect');
      h.call.emit({ type: 'status', status: 'reconnecting', detail: 'lost' });
      for (const p of present.values()) h.call.emit({ type: 'participant-left', id: p.id, name: p.name, reason: 'reconnecting' });
      if (random() < 0.5) {
        h.call.emit({ type: 'status', status: 'joined' });
        welcome(true);
      } else {
        for (const p of present.values()) gone.push(p);
        present.clear();
      }
    }],
    [2, 'welcome', () => {
      log.push('welcome');
      h.call.emit({ type: 'status', status: 'joined' });
      welcome(random() < 0.5);
    }],
    [3, 'stats', () => {
      log.push('stats');
      const streams = [...present.values()].map((p) => ({
        id: p.id, name: p.name,
        video: { fps: 10, kbps: 100, latencyP50Ms: 10, latencyP95Ms: 20, framesDropped: 0 },
        audio: { fps: 50, kbps: 30, latencyP50Ms: 10, framesDropped: 0 },
      }));
      h.call.emit({ type: 'stats', stats: { streams, rttMs: 12, uplinkKbps: 100, videoFramesSkipped: 0, videoFramesAdapted: 0 } as never });
    }],
    [1, 'notice', () => {
      log.push('notice');
      h.call.emit(random() < 0.5 ? { type: 'notice', message: text() } : { type: 'talking-while-muted' });
    }],
    [1, 'end', () => {
      // The call ends (the host ended it, the server gave up), now and then: whatever comes after reaches a screen torn
      // down.
      if (random() > 0.15) return;
      log.push('end');
      h.call.end(text());
      for (const key of ['q', 'c', 'x', '\r', '\x03', '?']) h.type(key);
    }],
  ];
  expect(actions.map(([w]) => w)).toEqual(ACTION_WEIGHTS);

  try {
    await h.settle();
    for (const step of steps) {
      if (h.ended) break;
      random = rng(step.seed);
      await actions[step.action]![2]();
      await h.settle();
      await checkScreen(h, present, gone);
    }
    // Back to a usable size: the call screen whole again.
    if (!h.ended) {
      await h.resize(100, 30);
      log.push('resize 100x30');
      await h.settle();
      await checkScreen(h, present, gone);
    }
    // A lone Esc waits 50 ms for the rest of a sequence.
    await new Promise((resolve) => setTimeout(resolve, 60));
    await h.settle();
  } catch (error) {
    throw new Error(`after:\n${log.slice(-25).join('\n')}\n${(error as Error).message}`, { cause: error });
  } finally {
    await h.close();
  }
  return log;
}

/** A key, and where it went: an open chat line or the password box takes it, never the call keys. */
function keyChecked(h: CallScreenHarness, key: string): void {
  const { chat, overlay } = h.parts;
  const owner = overlay.kind === 'password' ? 'password' : chat.typing && !overlay.kind ? 'chat' : undefined;
  const before = h.call.actions.length;
  h.type(key);
  const after = h.call.actions.slice(before);
  // A letter typed into an open chat line, or any key into the password box, is no call key.
  const letter = /^[a-z?+=_-]$/.test(key);
  if (owner === 'password' && key !== '\r') {
    expect(after.filter((a) => !a.startsWith('password') && !(key === '\x03' && a === 'leave'))).toEqual([]);
  }
  if (owner === 'chat' && letter) {
    expect(after).toEqual([]);
    expect(chat.typing).toBe(true);
    expect(overlay.kind).toBeUndefined();
  }
}

const blessedUnicode = (blessed as unknown as { unicode: { charWidth(s: string): number; isCombining?(s: string, i: number): boolean } }).unicode;
const xtermWidth = (h: CallScreenHarness, point: number): number =>
  (h.term as unknown as { _core: { unicodeService: { wcwidth(p: number): number } } })._core.unicodeService.wcwidth(point);
let widthTerm: CallScreenHarness | undefined;
function sameWidths(cell: string): boolean {
  if (!widthTerm || /^[\x20-\x7e]*$/.test(cell)) return true;
  const points = [...cell];
  return points.every((ch, i) => {
    const point = ch.codePointAt(0)!;
    const ours = i > 0 ? 0 : blessedUnicode.charWidth(ch);
    return xtermWidth(widthTerm!, point) === ours;
  });
}

const CUP = /\x1b\[(\d+);(\d+)H/g;
let checkedWrites = new WeakMap<CallScreenHarness, number>();

async function checkScreen(h: CallScreenHarness, present: Map<number, ParticipantInfo>, gone: ParticipantInfo[]): Promise<void> {
  await h.replay();
  // Nothing drawn outside the terminal: every cursor move within the size it had when written.
  const from = checkedWrites.get(h) ?? 0;
  for (const write of h.writes.slice(from)) {
    // Control characters a terminal ignores (blessed's placeholder for a wide character's second cell, \x03): the
    // rest of the row lands a column off.
    const stray = /[\x00-\x06\x08\x0b-\x1a\x1c-\x1f]/.exec(write.bytes.toString('latin1'));
    if (stray) throw new Error(`wrote control character ${JSON.stringify(stray[0])}: ${JSON.stringify(write.bytes.toString('latin1').slice(Math.max(0, stray.index - 120), stray.index + 40))}`);
    for (const [, row, col] of write.bytes.toString('latin1').matchAll(CUP)) {
      if (Number(row) > write.rows || Number(col) > write.cols) {
        throw new Error(`cursor moved to ${row};${col} on a ${write.cols}×${write.rows} terminal: ${JSON.stringify(write.bytes.toString().slice(0, 200))}`);
      }
    }
  }
  checkedWrites.set(h, h.writes.length);

  const { grid, overlay, chat, video } = h.parts;
  widthTerm = h;
  // Panes: you and exactly who is here.
  const keys = [...grid.people.everyone()].map((p) => p.key).sort();
  expect(keys).toEqual(['self', ...[...present.keys()].map((id) => `p${id}`)].sort());

  // What the terminal shows is what blessed believes it shows, outside the video panes.
  // blessed's own buffer of what the last render put on the terminal.
  const olines = (h.screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
  const panes = [...(video as unknown as { panes: Map<string, { pane: { area: { x: number; y: number; cols: number; rows: number } } ; painted?: unknown }> }).panes.values()].map((s) => s.pane.area);
  const inVideo = (x: number, y: number): boolean => panes.some((a) => x >= a.x && x < a.x + a.cols && y >= a.y && y < a.y + a.rows);
  const buffer = h.term.buffer.active;
  const diffs: string[] = [];
  for (let y = 0; y < h.rows; y++) {
    const line = buffer.getLine(y);
    for (let x = 0; x < h.cols; x++) {
      if (inVideo(x, y)) continue;
      const wanted = olines[y]?.[x]?.[1] ?? ' ';
      // xterm.js's Unicode 6 widths are not blessed's: past a character they disagree on, the row cannot be compared.
      if (!sameWidths(wanted)) break;
      const cell = line?.getCell(x);
      const shown = cell?.getChars() || ' ';
      if (cell?.getWidth() === 0) continue; // the second half of a wide character
      if (wanted !== shown && !(wanted === '\x03' || wanted === '\0' || wanted.length > 1 || shown.length > 1)) diffs.push(`${x},${y}: ${JSON.stringify(wanted)} vs ${JSON.stringify(shown)}`);
    }
  }
  if (diffs.length > 0) throw new Error(`the terminal shows other than blessed drew (${diffs.length} cells): ${diffs.slice(0, 8).join('; ')}\n${h.text().join('\n')}`);

  const rows = h.text();
  const usable = h.cols >= 80 && h.rows >= 24;
  if (usable && !overlay.kind) {
    // The status bar's two rows and the chat line.
    expect(rows[h.rows - 2]).toMatch(/room @|connecting|reconnecting|in call/);
    const layout = screenLayout(h.cols, h.rows);
    expect(rows[layout.chat.y + layout.chat.height - 1]).toContain('›');
    // No pane for who left: their name on no pane border of the grid (a name that is still here aside).
    const gridRows = rows.slice(layout.grid.y, layout.grid.y + layout.grid.height).map((r) => r.slice(layout.grid.x, layout.grid.x + layout.grid.width));
    for (const p of gone) {
      const stillHere = [...present.values()].some((q) => q.name.includes(p.name.slice(0, 6)) || p.name.includes(q.name));
      if (!stillHere && p.name.length >= 3) expect(gridRows.join('\n')).not.toContain(`─ ${p.name.slice(0, 3)}`);
    }
  }
  if (!overlay.kind) {
    for (const phrase of ['livecomm-tui keys', 'call statistics', 'Leave? y / n', 'needs a password']) expect(rows.join('\n')).not.toContain(phrase);
  }
  // The chat line is never open under an overlay or the too-small notice.
  if (chat.typing) expect(overlay.kind).toBeUndefined();
  if (!usable) expect(chat.typing).toBe(false);
}

const SEEDS = Number(process.env.FUZZ_SEEDS ?? 4);
const STEPS = Number(process.env.FUZZ_STEPS ?? 100);
const FIRST = Number(process.env.FUZZ_FIRST ?? 1);

describe.runIf(!process.env.MIN_SEED)('the call screen under random keys, resizes and call events', () => {
  for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
    it(`seed ${seed}`, async () => {
      const { steps, ...kind } = plan(seed, STEPS);
      const done = await session(kind, steps);
      expect(done.length).toBeGreaterThan(0);
    }, 60_000);
  }
});

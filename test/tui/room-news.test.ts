import { describe, expect, it } from 'vitest';
import type { ParticipantInfo, StateMessage } from '../../src/protocol/index.js';
import { RoomNews, type RoomEvent } from '../../src/tui/room-news.js';

/** A grid and chat that only remember what they were told, and a screen that counts rings and layouts. */
function setUp(selfName = 'alice') {
  const panes = new Map<string, { name: string; media: StateMessage }>();
  const removed: Array<[string, boolean]> = [];
  const lines: string[] = [];
  const history: Array<{ text: string; ts: number; mention: boolean }> = [];
  const messages: Array<{ from: string; text: string; ts: number; mention: boolean | undefined }> = [];
  const counts = { rings: 0, relayouts: 0, renders: 0 };
  const news = new RoomNews({
    grid: {
      add: (p) => {
        if (panes.has(p.key)) return false;
        panes.set(p.key, { name: p.name, media: { muted: p.muted ?? false, cameraOff: p.cameraOff ?? false } });
        // The grid knows "Returning" from before: they are back.
        return p.name === 'Returning';
      },
      remove: (key, droppedOut = false) => {
        panes.delete(key);
        removed.push([key, droppedOut]);
      },
      people: { get: (key) => panes.get(key) },
    },
    chat: {
      system: (text) => void lines.push(text),
      message: (from, text, ts, options = {}) => void messages.push({ from, text, ts, mention: options.mention }),
      history: (entries, mention = () => false) => {
        for (const entry of entries) history.push({ text: entry.text, ts: entry.ts, mention: mention(entry) });
      },
    },
    selfName,
    shownTime: (ts) => ts + 1_000,
    ring: () => void counts.rings++,
    relayout: () => void counts.relayouts++,
    renderSoon: () => void counts.renders++,
  });
  const handle = (event: RoomEvent): void => news.handle(event);
  return { handle, panes, removed, lines, history, messages, counts };
}

const person = (id: number, name: string, over: Partial<ParticipantInfo> = {}): ParticipantInfo => ({ id, name, muted: false, cameraOff: false, ...over });

function welcome(participants: ParticipantInfo[], chat: Array<{ text: string; ts: number }>) {
  return {
    id: 1, name: 'alice', room: 'main', participants, audioCodec: 'opus', server: 'test', pingIntervalMs: 5_000,
    idleTimeoutMs: 15_000, resumeToken: 'token', features: [], chat: chat.map((c) => ({ fromId: 2, from: 'bob', ...c })),
  };
}

describe('RoomNews: the room\'s people in the grid and the chat', () => {
  it('on the first join shows everyone, the history in local time with mentions, then "joined as" and who records', () => {
    const s = setUp();
    s.handle({ type: 'joined', rejoined: false, welcome: welcome([person(2, 'bob'), person(3, 'eve', { recording: true })], [{ text: 'hi alice', ts: 5 }, { text: 'malice', ts: 6 }]) });
    expect([...s.panes.keys()]).toEqual(['p2', 'p3']);
    expect(s.history).toEqual([{ text: 'hi alice', ts: 1_005, mention: true }, { text: 'malice', ts: 1_006, mention: false }]);
    expect(s.lines).toEqual(['joined as {bold}alice{/bold}', '{yellow-fg}eve is recording this call{/yellow-fg}']);
    expect(s.counts).toEqual({ rings: 0, relayouts: 1, renders: 0 });
  });

  it('after a rejoin adds who is new, without the history or "joined as" again', () => {
    const s = setUp();
    s.handle({ type: 'joined', rejoined: true, welcome: welcome([person(4, 'dan')], [{ text: 'old', ts: 1 }]) });
    expect([...s.panes.keys()]).toEqual(['p4']);
    expect(s.history).toEqual([]);
    expect(s.lines).toEqual([]);
  });

  it('rings for someone new, not for someone back, and escapes names', () => {
    const s = setUp();
    s.handle({ type: 'participant-joined', participant: person(5, 'x{bold}y') });
    expect(s.counts.rings).toBe(1);
    s.handle({ type: 'participant-joined', participant: person(6, 'Returning') });
    expect(s.counts.rings).toBe(1);
    expect(s.lines).toEqual(['x{open}bold{close}y joined', 'Returning is back']);
  });

  it('says who left and who dropped out (they may be back), and nothing for a reconnect or a replaced connection', () => {
    const s = setUp();
    for (const [id, reason] of [[7, 'leave'], [8, 'timeout'], [9, 'reconnecting'], [10, 'replaced']] as const) {
      s.handle({ type: 'participant-left', id, name: `n${id}`, reason });
    }
    expect(s.removed).toEqual([['p7', false], ['p8', true], ['p9', true], ['p10', true]]);
    expect(s.lines).toEqual(['n7 left', 'n8 dropped out (timeout)']);
    expect(s.counts.relayouts).toBe(4);
  });

  it('shows chat in local time and rings when it mentions you', () => {
    const s = setUp();
    s.handle({ type: 'chat', entry: { fromId: 2, from: 'bob', text: 'malice', ts: 10 } });
    s.handle({ type: 'chat', entry: { fromId: 2, from: 'bob', text: '@alice look', ts: 20 } });
    expect(s.messages).toEqual([
      { from: 'bob', text: 'malice', ts: 1_010, mention: false },
      { from: 'bob', text: '@alice look', ts: 1_020, mention: true },
    ]);
    expect(s.counts).toEqual({ rings: 1, relayouts: 0, renders: 2 });
  });

  it('updates a pane\'s state, says once that someone started recording, and ignores someone unknown', () => {
    const s = setUp();
    s.handle({ type: 'participant-joined', participant: person(2, 'bob') });
    s.handle({ type: 'state', participant: person(2, 'bob', { muted: true, recording: true }) });
    s.handle({ type: 'state', participant: person(2, 'bob', { muted: true, recording: true }) });
    s.handle({ type: 'state', participant: person(99, 'ghost', { recording: true }) });
    expect(s.panes.get('p2')?.media).toEqual({ muted: true, cameraOff: false, recording: true });
    expect(s.lines).toEqual(['bob joined', '{yellow-fg}bob is recording this call{/yellow-fg}']);
    expect(s.counts.relayouts).toBe(3);
  });
});

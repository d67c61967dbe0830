import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallChat, mayNotHaveArrived } from '../../src/client/call-chat.js';
import type { Recorder } from '../../src/client/recorder.js';
import type { Session } from '../../src/client/session.js';
import { PeerLimits } from '../../src/server/peer-limits.js';
import { MAX_CHAT_LENGTH, type ChatEntry, type WelcomeMessage } from '../../src/protocol/index.js';

/** A call's chat over a stand-in session that records what it was given to send (no socket: the rule is the point). */
function setUp() {
  let now = 1_000_000;
  const sent: string[] = [];
  const session = { status: 'joined', open: true, unansweredPingMs: 0, sendChat: (text: string) => sent.push(text), welcome: { name: 'alice' } } as unknown as Session;
  const notices: string[] = [];
  const told: ChatEntry[] = [];
  const chat = new CallChat({
    session: () => session, selfId: () => 1, recorder: undefined, clock: { wallMs: () => now }, received: () => {}, notice: (m) => notices.push(m),
    sent: (entry) => told.push(entry),
  });
  const welcome = (entries: ChatEntry[]): WelcomeMessage => ({
    id: 1, name: 'alice', room: 'main', participants: [], chat: entries, audioCodec: 'opus', server: 's', pingIntervalMs: 5000, idleTimeoutMs: 15000, resumeToken: 't',
  });
  return { chat, sent, told, notices, welcome, advance: (ms: number) => (now += ms) };
}

describe('CallChat after a rejoin: lines lost with a link that died unnoticed', () => {
  it('sends again the recent lines the room history lacks, once, before what waits', () => {
    const { chat, sent, welcome, advance } = setUp();
    chat.received({ fromId: 2, from: 'bob', text: 'hi', ts: 500 });
    chat.send('arrived');
    chat.send('lost');
    advance(16_000);
    chat.joined(welcome([{ fromId: 2, from: 'bob', text: 'hi', ts: 500 }, { fromId: 1, from: 'alice', text: 'arrived', ts: 600 }]), true);
    expect(sent).toEqual(['arrived', 'lost', 'lost']);
  });

  it('tells each of our lines once, as it goes (headless prints it): not again when it is sent again after a rejoin', () => {
    const { chat, told, welcome, advance } = setUp();
    chat.send('arrived');
    chat.send('lost');
    expect(told).toEqual([{ fromId: 1, from: 'alice', text: 'arrived', ts: 1_000_000 }, { fromId: 1, from: 'alice', text: 'lost', ts: 1_000_000 }]);
    advance(16_000);
    chat.joined(welcome([{ fromId: 1, from: 'alice', text: 'arrived', ts: 600 }]), true);
    chat.send('new');
    expect(told.map((entry) => entry.text)).toEqual(['arrived', 'lost', 'new']);
  });

  it('tells and records our line as the server keeps it: blanks at its ends and control characters gone', () => {
    const { chat, told } = setUp();
    chat.send('ring\u0007 ');
    expect(told.map((entry) => entry.text)).toEqual(['ring']);
  });

  it('knows a lost line from the same words said minutes before: the server got the first lines sent, not any', () => {
    const { chat, sent, welcome, advance } = setUp();
    chat.send('ok');
    advance(120_000);
    chat.received({ fromId: 2, from: 'bob', text: 'shall we stop here?', ts: 120_700 });
    chat.send('ok');
    chat.send('see you');
    advance(16_000);
    const history = [{ fromId: 1, from: 'alice', text: 'ok', ts: 600 }, { fromId: 2, from: 'bob', text: 'shall we stop here?', ts: 120_700 }];
    chat.joined(welcome(history), true);
    expect(sent).toEqual(['ok', 'ok', 'see you', 'ok', 'see you']);
    // Our own lines in order: the later of two equal lines arrived, the one after it did not.
    const other = setUp();
    other.chat.send('ok');
    other.chat.send('fine');
    other.advance(120_000);
    other.chat.send('ok');
    other.advance(16_000);
    other.chat.joined(other.welcome([{ fromId: 1, from: 'alice', text: 'ok', ts: 600 }, { fromId: 1, from: 'alice', text: 'fine', ts: 601 }]), true);
    expect(other.sent).toEqual(['ok', 'fine', 'ok', 'ok']);
  });

  it('still knows a line that arrived when the server\'s clock stepped back a second between two stamps', () => {
    const { chat, sent, welcome, advance } = setUp();
    chat.received({ fromId: 2, from: 'bob', text: 'ready?', ts: 10_000 });
    chat.send('yes');
    advance(16_000);
    chat.joined(welcome([{ fromId: 2, from: 'bob', text: 'ready?', ts: 10_000 }, { fromId: 1, from: 'alice', text: 'yes', ts: 9_200 }]), true);
    expect(sent).toEqual(['yes']);
  });

  it('matches a long line\'s parts as the server keeps them (trimmed): one that arrived is not sent twice', () => {
    const { chat, sent, welcome, advance } = setUp();
    const first = 'a'.repeat(MAX_CHAT_LENGTH);
    chat.send(`${first}   and the rest`);
    advance(16_000);
    chat.joined(welcome([{ fromId: 1, from: 'alice', text: first, ts: 600 }, { fromId: 1, from: 'alice', text: 'and the rest', ts: 601 }]), true);
    expect(sent).toEqual([first, '   and the rest']);
    expect(chat.waiting).toBe(0);
  });

  it('sends nothing again to a server started afresh (its history holds nothing we saw or sent): the others may have had it', () => {
    const { chat, sent, notices, welcome, advance } = setUp();
    chat.received({ fromId: 2, from: 'bob', text: 'hi', ts: 500 });
    chat.send('maybe seen');
    advance(5000);
    chat.joined(welcome([]), true);
    expect(sent).toEqual(['maybe seen']);
    // Not passed over in silence either: its fate is not known.
    expect(notices).toEqual(['your chat line "maybe seen" may not have reached the others (the server started afresh)']);
  });

  it('says nothing of lines a ping answered after them proves arrived, when the server started afresh', () => {
    const { chat, notices, welcome, advance } = setUp();
    chat.send('arrived for sure');
    advance(1000);
    chat.pingAnswered(400);
    chat.send('sent after the answer');
    advance(5000);
    chat.joined(welcome([]), true);
    expect(notices).toEqual(['your chat line "sent after the answer" may not have reached the others (the server started afresh)']);
  });

  it('sends again only the lost lines when the first of ours have left the room\'s history (a busy room, a long paste)', () => {
    const { chat, sent, welcome, advance } = setUp();
    chat.received({ fromId: 2, from: 'bob', text: 'hi', ts: 500 });
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i}`);
    for (const line of lines) chat.send(line);
    advance(16_000);
    // The server got lines 0–9 (line 10 and 11 died with the link); its history of 6 kept only the newest.
    const kept = [6, 7, 8, 9].map((i) => ({ fromId: 1, from: 'alice', text: `line ${i}`, ts: 600 + i }));
    chat.joined(welcome([{ fromId: 2, from: 'bob', text: 'hi', ts: 500 }, { fromId: 3, from: 'carol', text: 'so', ts: 601 }, ...kept]), true);
    expect(sent).toEqual([...lines, 'line 10', 'line 11']);
    expect(chat.waiting).toBe(0);
  });

  it('sends again the first lines of a participant who had seen none, when the server took its resume token back', () => {
    const { chat, sent, welcome, advance } = setUp();
    chat.joined(welcome([]), false);
    chat.send('hello all');
    advance(5000);
    // Nothing of ours and nothing we saw in the history: only the kept token says it is the room we left.
    chat.joined(welcome([{ fromId: 2, from: 'bob', text: 'anyone?', ts: 3_000 }]), true, true);
    expect(sent).toEqual(['hello all', 'hello all']);
  });

  it('sends nothing again that a ping answered after it proved arrived, though the room has said 50 lines since', () => {
    const { chat, sent, welcome, advance } = setUp();
    chat.received({ fromId: 2, from: 'bob', text: 'hi', ts: 500 });
    chat.send('first');
    chat.send('second');
    advance(1000);
    // A ping sent 400 ms ago, after both lines, is answered: the server had them.
    chat.pingAnswered(400);
    chat.send('lost');
    advance(16_000);
    const busy = Array.from({ length: 50 }, (_, i) => ({ fromId: 2, from: 'bob', text: `chatter ${i}`, ts: 700 + i }));
    chat.joined(welcome(busy), true, true);
    expect(sent).toEqual(['first', 'second', 'lost', 'lost']);
  });

  it('leaves lines older than the window alone', () => {
    const { chat, sent, welcome, advance } = setUp();
    chat.received({ fromId: 2, from: 'bob', text: 'hi', ts: 500 });
    chat.send('long ago');
    advance(60_000);
    chat.joined(welcome([{ fromId: 2, from: 'bob', text: 'hi', ts: 500 }]), true);
    expect(sent).toEqual(['long ago']);
  });
});

describe('CallChat after a rejoin: the record keeps the order things were said in', () => {
  it('records and tells what the others said while we were away before our lines that waited for the rejoin', () => {
    const order: string[] = [];
    const session = { status: 'joined', open: false, unansweredPingMs: 0, sendChat: () => {}, welcome: { name: 'alice' } } as unknown as Session;
    const recorder = { chat: (entry: ChatEntry) => order.push(`recorded ${entry.text}`) } as unknown as Recorder;
    let now = 10_000;
    const chat = new CallChat({
      session: () => session, selfId: () => 1, recorder, clock: { wallMs: () => now }, notice: () => {},
      received: (entry) => order.push(`told ${entry.text}`), sent: (entry) => order.push(`told ${entry.text}`),
    });
    chat.received({ fromId: 2, from: 'bob', text: 'before', ts: 9_000 });
    // The link is down: our line waits; bob speaks at 12 s, and we are back at 15 s.
    chat.send('typed while away');
    now = 15_000;
    (session as { open: boolean }).open = true;
    const history = [{ fromId: 2, from: 'bob', text: 'before', ts: 9_000 }, { fromId: 2, from: 'bob', text: 'while away', ts: 12_000 }];
    const welcome = { id: 1, name: 'alice', room: 'main', participants: [], chat: history, audioCodec: 'opus' as const };
    chat.joined({ ...welcome, server: 's', pingIntervalMs: 5000, idleTimeoutMs: 15000, resumeToken: 't' }, true);
    expect(order).toEqual([
      'recorded before', 'told before',
      'recorded while away', 'told while away',
      'recorded typed while away', 'told typed while away',
    ]);
  });
});

describe('CallChat while the call is being left', () => {
  it('hands nothing more to a connection that is closing: what waits stays counted, not dropped by it', () => {
    const sent: string[] = [];
    const session = { status: 'joined', open: false, sendChat: (text: string) => sent.push(text), welcome: { name: 'alice' } } as unknown as Session;
    const chat = new CallChat({ session: () => session, selfId: () => 1, recorder: undefined, clock: { wallMs: () => 0 }, received: () => {}, notice: () => {} });
    chat.send('said as the call ends');
    expect(sent).toEqual([]);
    expect(chat.waiting).toBe(1);
  });
});

describe('CallChat on a stalled link', () => {
  beforeEach(() => void vi.useFakeTimers({ now: 0 }));
  afterEach(() => void vi.useRealTimers());

  it('holds a long paste while our ping goes unanswered: what the link delivers at once when it recovers stays inside the server\'s chat limits', () => {
    // The link stalls just after a ping was answered (t = 0); the next ping goes at 5 s and is not answered.
    let stalled = true;
    const arrived: number[] = [];
    const session = {
      status: 'joined', open: true, welcome: { name: 'alice' },
      get unansweredPingMs() {
        return stalled && Date.now() > 5_000 ? Date.now() - 5_000 : 0;
      },
      sendChat: (text: string) => arrived.push(Buffer.byteLength(JSON.stringify({ text }))),
    } as unknown as Session;
    const chat = new CallChat({ session: () => session, selfId: () => 1, recorder: undefined, clock: { wallMs: () => Date.now() }, received: () => {}, notice: () => {} });
    const paste = 'x'.repeat(43 * MAX_CHAT_LENGTH);
    chat.send(paste);
    vi.advanceTimersByTime(12_000);
    // 12 s later the link delivers everything sent into it at once, to a server that has heard no chat for a minute.
    const server = new PeerLimits(-60_000);
    const refusals = arrived.map((bytes) => server.message(12_000, bytes)).filter((refusal) => refusal !== undefined);
    expect(refusals).toEqual([]);
    expect(arrived.length).toBeGreaterThan(0);
    expect(arrived.length).toBeLessThan(43);
    // The ping answered: the rest goes, paced.
    stalled = false;
    chat.pingAnswered();
    vi.advanceTimersByTime(30_000);
    expect(arrived.length).toBe(43);
    expect(chat.waiting).toBe(0);
  });
});

describe('CallChat: lines whose fate a lost link leaves unknown', () => {
  it('are those sent since the last ping answer that came after them, oldest first', () => {
    const { chat, advance } = setUp();
    chat.send('one');
    chat.send('two');
    advance(1000);
    // A ping sent 400 ms ago was answered: it went after both lines, on the same connection.
    chat.pingAnswered(400);
    expect(chat.unconfirmed).toEqual([]);
    chat.send('three');
    advance(50);
    // This answer's ping went before "three": it proves nothing of it.
    chat.pingAnswered(400);
    chat.send('four');
    expect(chat.unconfirmed).toEqual(['three', 'four']);
  });

  it('are told in one sentence: one quoted, several counted with the newest quoted, a long one cut whole characters', () => {
    expect(mayNotHaveArrived(['see you at 3'], 'the connection was lost before the server answered')).toBe(
      'your chat line "see you at 3" may not have reached the others (the connection was lost before the server answered)',
    );
    expect(mayNotHaveArrived(['a', 'b\nc'], 'why')).toBe('your last 2 chat lines (the newest "b c") may not have reached the others (why)');
    const long = `${'x'.repeat(38)}👩‍💻👩‍💻 and more`;
    expect(mayNotHaveArrived([long], 'why')).toBe(`your chat line "${'x'.repeat(38)}👩‍💻…" may not have reached the others (why)`);
  });
});

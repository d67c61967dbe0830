import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAX_CHAT_LENGTH, MAX_PAYLOAD_BYTES, PROTOCOL_NAME, PROTOCOL_VERSION, StreamKind } from '../../src/protocol/constants.js';
import { ProtocolError, ProtocolErrorCode } from '../../src/protocol/errors.js';
import {
  encodeJson,
  parseAuth,
  parseChallenge,
  parseChatEntry,
  parseChatSend,
  parseCongestion,
  hasLoneSurrogate,
  parseHello,
  parseParticipantJoined,
  parseParticipantLeft,
  parseReason,
  parseState,
  parseReceive,
  mediaStateOf,
  printableChatText,
  type StateMessage,
  parseWelcome,
  type ChatEntry,
  type HelloMessage,
  type ParticipantInfo,
  type WelcomeMessage,
} from '../../src/protocol/messages.js';
import { rng } from '../helpers/rng.js';

type Parser = (payload: Uint8Array) => unknown;

const hello: HelloMessage = {
  protocol: PROTOCOL_NAME,
  version: PROTOCOL_VERSION,
  name: 'Ana',
  room: 'lobby',
  client: 'livecomm-tui/0.1.0',
  caps: { video: ['jpeg'], audio: ['opus', 'pcm'] },
};
const participant: ParticipantInfo = { id: 2, name: 'Bo', muted: true, cameraOff: false };
const chatEntry: ChatEntry = { fromId: 2, from: 'Bo', text: 'hi 👋', ts: 1_700_000_000_123.5 };
const welcome: WelcomeMessage = {
  id: 1,
  name: 'Ana',
  room: 'lobby',
  participants: [participant, { id: 3, name: 'Cy', muted: false, cameraOff: true }],
  chat: [chatEntry],
  audioCodec: 'opus',
  server: 'livecomm-tui/0.1.0',
  pingIntervalMs: 5000,
  idleTimeoutMs: 15000,
  resumeToken: 'dG9rZW4=',
};

interface Case {
  name: string;
  parse: Parser;
  valid: Record<string, unknown>;
}

const CASES: Case[] = [
  { name: 'parseHello', parse: parseHello, valid: { ...hello } },
  { name: 'parseChallenge', parse: parseChallenge, valid: { salt: 'c2FsdA==', nonce: 'bm9uY2U=' } },
  { name: 'parseAuth', parse: parseAuth, valid: { proof: 'cHJvb2Y=' } },
  { name: 'parseWelcome', parse: parseWelcome, valid: { ...welcome } },
  { name: 'parseReason', parse: parseReason, valid: { code: 'auth-failed', message: 'The password is wrong.' } },
  { name: 'parseParticipantJoined', parse: parseParticipantJoined, valid: { ...participant } },
  { name: 'parseParticipantLeft', parse: parseParticipantLeft, valid: { id: 4, name: 'Di', reason: 'leave' } },
  { name: 'parseState', parse: parseState, valid: { muted: false, cameraOff: true } },
  { name: 'parseReceive', parse: parseReceive, valid: { video: false } },
  { name: 'parseChatSend', parse: parseChatSend, valid: { text: 'hello there' } },
  { name: 'parseChatEntry', parse: parseChatEntry, valid: { ...chatEntry } },
];

const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');

function expectBadPayload(parse: Parser, payload: Uint8Array): void {
  let caught: unknown;
  try {
    parse(payload);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).code).toBe(ProtocolErrorCode.BAD_PAYLOAD);
}

/** A value of the wrong JSON type for a field that holds `value`. */
function wrongTypes(value: unknown): unknown[] {
  const all = ['text', 7, 1.5, true, null, [], {}];
  if (typeof value === 'string') return all.filter((v) => typeof v !== 'string');
  if (typeof value === 'number') return all.filter((v) => typeof v !== 'number');
  if (typeof value === 'boolean') return all.filter((v) => typeof v !== 'boolean');
  if (Array.isArray(value)) return all.filter((v) => !Array.isArray(v) && v !== null && typeof v !== 'object').concat([null, {}]);
  return all.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v));
}

describe.each(CASES)('$name', ({ parse, valid }) => {
  it('accepts what encodeJson produces and returns the same value', () => {
    expect(parse(encodeJson(valid))).toEqual(valid);
  });

  it('ignores unknown fields and does not copy them into the result', () => {
    const parsed = parse(encodeJson({ ...valid, extra: 'x', evil: { nested: 1 } })) as Record<string, unknown>;
    expect(parsed).toEqual(valid);
    expect('extra' in parsed).toBe(false);
  });

  it.each(['[]', '[1,2]', 'null', '1', '"text"', 'true', ''])('rejects the non-object JSON %j', (text) => {
    expectBadPayload(parse, Buffer.from(text, 'utf8'));
  });

  it.each(['{', '{"a":}', "{'a':1}", '{"a":1}}', 'undefined', 'NaN'])('rejects the malformed JSON %j', (text) => {
    expectBadPayload(parse, Buffer.from(text, 'utf8'));
  });

  it.each([
    ['a lone 0xff byte', '7b226122 3a22 ff 227d'],
    ['an overlong encoding of "/"', '7b226122 3a22 c0af 227d'],
    ['a truncated 3-byte sequence', '7b226122 3a22 e282 227d'],
    ['a UTF-8 encoded surrogate', '7b226122 3a22 eda080 227d'],
  ])('rejects invalid UTF-8: %s', (_n, hexText) => {
    expectBadPayload(parse, Buffer.from(hexText.replace(/\s+/g, ''), 'hex'));
  });

  it('rejects invalid UTF-8 inside an otherwise valid message', () => {
    const good = Buffer.from(JSON.stringify(valid), 'utf8');
    // Replace the closing brace with an invalid byte followed by the brace.
    const bad = Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([0x20, 0xff, 0x7d])]);
    expectBadPayload(parse, bad);
  });

  for (const key of Object.keys(valid)) {
    it(`rejects a missing ${key}`, () => {
      const without = { ...valid };
      delete without[key];
      expectBadPayload(parse, json(without));
    });

    it(`rejects ${key} of a wrong type`, () => {
      for (const wrong of wrongTypes(valid[key])) {
        expectBadPayload(parse, json({ ...valid, [key]: wrong }));
      }
    });
  }

  it('does not let a __proto__ key pollute Object.prototype or satisfy a field', () => {
    const text = JSON.stringify(valid).replace(/^\{/, '{"__proto__":{"polluted":true,"isAdmin":true},');
    const parsed = parse(Buffer.from(text, 'utf8')) as Record<string, unknown>;
    expect(parsed).toEqual(valid);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed['isAdmin']).toBeUndefined();

    // A required field hidden behind __proto__ must not be found through the prototype chain.
    const [first] = Object.keys(valid);
    const hidden = { ...valid };
    delete hidden[first!];
    const sneaky = JSON.stringify(hidden).replace(/^\{/, `{"__proto__":${JSON.stringify({ [first!]: valid[first!] })},`);
    expectBadPayload(parse, Buffer.from(sneaky, 'utf8'));
  });
});

describe('string limits', () => {
  const long = (n: number) => 'x'.repeat(n);
  it.each([
    ['hello.name', parseHello, { ...hello }, 'name', 1024],
    ['hello.room', parseHello, { ...hello }, 'room', 1024],
    ['hello.protocol', parseHello, { ...hello }, 'protocol', 32],
    ['hello.client', parseHello, { ...hello }, 'client', 100],
    ['hello.resumeToken', parseHello, { ...hello }, 'resumeToken', 128],
    ['challenge.salt', parseChallenge, { salt: 'a', nonce: 'b' }, 'salt', 128],
    ['challenge.nonce', parseChallenge, { salt: 'a', nonce: 'b' }, 'nonce', 128],
    ['auth.proof', parseAuth, { proof: 'p' }, 'proof', 128],
    ['welcome.name', parseWelcome, { ...welcome }, 'name', 128],
    ['welcome.room', parseWelcome, { ...welcome }, 'room', 128],
    ['welcome.audioCodec', parseWelcome, { ...welcome }, 'audioCodec', 32],
    ['welcome.server', parseWelcome, { ...welcome }, 'server', 100],
    ['welcome.resumeToken', parseWelcome, { ...welcome }, 'resumeToken', 128],
    ['reason.code', parseReason, { code: 'c', message: 'm' }, 'code', 64],
    ['reason.message', parseReason, { code: 'c', message: 'm' }, 'message', 500],
    ['joined.name', parseParticipantJoined, { ...participant }, 'name', 128],
    ['left.name', parseParticipantLeft, { id: 1, name: 'n', reason: 'r' }, 'name', 128],
    ['left.reason', parseParticipantLeft, { id: 1, name: 'n', reason: 'r' }, 'reason', 64],
    ['chatSend.text', parseChatSend, { text: 't' }, 'text', MAX_CHAT_LENGTH],
    ['chatEntry.text', parseChatEntry, { ...chatEntry }, 'text', MAX_CHAT_LENGTH],
    ['chatEntry.from', parseChatEntry, { ...chatEntry }, 'from', 128],
  ] as Array<[string, Parser, Record<string, unknown>, string, number]>)('%s accepts a string at its limit and rejects one character more', (_n, parse, valid, key, max) => {
    const atLimit = parse(json({ ...valid, [key]: long(max) })) as Record<string, unknown>;
    expect(atLimit[key]).toBe(long(max));
    expectBadPayload(parse, json({ ...valid, [key]: long(max + 1) }));
  });

  it('rejects a 1 MB string in any field without trouble', () => {
    expectBadPayload(parseChatSend, json({ text: long(1 << 20) }));
  });

  it('rejects an oversized participant name nested in WELCOME', () => {
    expectBadPayload(parseWelcome, json({ ...welcome, participants: [{ ...participant, name: long(129) }] }));
  });

  it('rejects an oversized chat text nested in WELCOME', () => {
    expectBadPayload(parseWelcome, json({ ...welcome, chat: [{ ...chatEntry, text: long(MAX_CHAT_LENGTH + 1) }] }));
  });
});

describe('numbers', () => {
  it.each([-1, 1.5, 2 ** 32, 1e300])('rejects id %d that is not a u32', (id) => {
    expectBadPayload(parseParticipantJoined, json({ ...participant, id }));
    expectBadPayload(parseParticipantLeft, json({ id, name: 'n', reason: 'r' }));
    expectBadPayload(parseWelcome, json({ ...welcome, id }));
    expectBadPayload(parseChatEntry, json({ ...chatEntry, fromId: id }));
  });

  it('accepts the u32 bounds 0 and 2^32-1', () => {
    expect(parseParticipantJoined(json({ ...participant, id: 0 })).id).toBe(0);
    expect(parseParticipantJoined(json({ ...participant, id: 0xffffffff })).id).toBe(0xffffffff);
  });

  it('rejects numbers that overflow to Infinity', () => {
    const text = JSON.stringify({ ...welcome, pingIntervalMs: 0 }).replace('"pingIntervalMs":0', '"pingIntervalMs":1e999');
    expectBadPayload(parseWelcome, Buffer.from(text, 'utf8'));
    const helloText = JSON.stringify(hello).replace(`"version":${PROTOCOL_VERSION}`, '"version":-1e999');
    expectBadPayload(parseHello, Buffer.from(helloText, 'utf8'));
  });

  it('keeps a fractional ts in a chat entry', () => {
    expect(parseChatEntry(json(chatEntry)).ts).toBe(1_700_000_000_123.5);
  });
});

describe('lists', () => {
  it('rejects more than 16 capabilities or capability names over 32 characters', () => {
    expectBadPayload(parseHello, json({ ...hello, caps: { video: Array(17).fill('jpeg'), audio: [] } }));
    expectBadPayload(parseHello, json({ ...hello, caps: { video: [], audio: Array(17).fill('opus') } }));
    expectBadPayload(parseHello, json({ ...hello, caps: { video: ['x'.repeat(33)], audio: [] } }));
    expectBadPayload(parseHello, json({ ...hello, caps: { video: [1], audio: [] } }));
    expect(parseHello(json({ ...hello, caps: { video: Array(16).fill('jpeg'), audio: [] } })).caps.video).toHaveLength(16);
  });

  it('rejects caps that is not an object or lacks a list', () => {
    for (const caps of [null, [], 'jpeg', { video: ['jpeg'] }, { audio: ['opus'] }, { video: 'jpeg', audio: [] }]) {
      expectBadPayload(parseHello, json({ ...hello, caps }));
    }
  });

  it('rejects more than 1024 participants and more than 200 chat entries, accepts exactly those', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ ...participant, id: i }));
    const chats = (n: number) => Array.from({ length: n }, () => chatEntry);
    expect(parseWelcome(json({ ...welcome, participants: many(1024) })).participants).toHaveLength(1024);
    expectBadPayload(parseWelcome, json({ ...welcome, participants: many(1025) }));
    expect(parseWelcome(json({ ...welcome, chat: chats(200) })).chat).toHaveLength(200);
    expectBadPayload(parseWelcome, json({ ...welcome, chat: chats(201) }));
  });

  it('rejects a huge list (a 1,000,000-entry array)', () => {
    const text = `{"protocol":"livecomm","version":1,"name":"a","room":"b","client":"c","caps":{"video":[${'"jpeg",'.repeat(999_999)}"jpeg"],"audio":[]}}`;
    expectBadPayload(parseHello, Buffer.from(text, 'utf8'));
  });

  it('rejects list items of the wrong shape', () => {
    for (const item of [null, 1, 'p', [participant], { ...participant, muted: 'yes' }]) {
      expectBadPayload(parseWelcome, json({ ...welcome, participants: [item] }));
    }
    for (const item of [null, 1, 'c', [chatEntry], { ...chatEntry, fromId: 'x' }]) {
      expectBadPayload(parseWelcome, json({ ...welcome, chat: [item] }));
    }
  });

  it('accepts empty lists', () => {
    const parsed = parseWelcome(json({ ...welcome, participants: [], chat: [] }));
    expect(parsed.participants).toEqual([]);
    expect(parsed.chat).toEqual([]);
  });
});

describe('parseHello resumeToken', () => {
  it('is absent from the result when absent from the payload', () => {
    expect('resumeToken' in parseHello(encodeJson(hello))).toBe(false);
  });

  it('is kept when present', () => {
    expect(parseHello(encodeJson({ ...hello, resumeToken: 'abc' })).resumeToken).toBe('abc');
  });

  it('must be a string when present', () => {
    for (const resumeToken of [null, 1, true, [], {}]) expectBadPayload(parseHello, json({ ...hello, resumeToken }));
  });
});

describe('receive', () => {
  it('wants video true or false, nothing else', () => {
    expect(parseReceive(json({ video: true }))).toEqual({ video: true });
    for (const video of [undefined, null, 0, 'false', []]) expectBadPayload(parseReceive, json({ video }));
  });
});

describe('media state', () => {
  it('carries "no microphone" and "no camera" only when true, and refuses anything but a boolean', () => {
    expect(parseState(json({ muted: true, cameraOff: true, noMicrophone: true, noCamera: true }))).toEqual({
      muted: true, cameraOff: true, noMicrophone: true, noCamera: true,
    });
    expect(parseState(json({ muted: false, cameraOff: false, noMicrophone: false }))).toEqual({ muted: false, cameraOff: false });
    expectBadPayload(parseState, json({ muted: true, cameraOff: false, noMicrophone: 'yes' }));
    expect(parseParticipantJoined(json({ ...participant, noCamera: true }))).toMatchObject({ noCamera: true });
    // Recording, the same way: only when true.
    expect(parseState(json({ muted: false, cameraOff: false, recording: true }))).toEqual({ muted: false, cameraOff: false, recording: true });
    expect(parseState(json({ muted: false, cameraOff: false, recording: false }))).toEqual({ muted: false, cameraOff: false });
    expect(mediaStateOf({ muted: false, cameraOff: false, recording: true })).toEqual({ muted: false, cameraOff: false, recording: true });
    expectBadPayload(parseState, json({ muted: true, cameraOff: false, recording: 1 }));
  });

  it('mediaStateOf keeps only the state of a larger object', () => {
    expect(mediaStateOf({ id: 3, name: 'x', muted: true, cameraOff: false, noMicrophone: true } as Partial<StateMessage>)).toEqual({
      muted: true, cameraOff: false, noMicrophone: true,
    });
    expect(mediaStateOf({})).toEqual({ muted: false, cameraOff: false });
  });
});

describe('encodeJson', () => {
  it('produces UTF-8 JSON bytes', () => {
    expect(Buffer.from(encodeJson({ text: 'é' })).toString('hex')).toBe('7b2274657874223a22c3a9227d');
  });

  it('round-trips non-BMP characters and escapes through parseChatSend', () => {
    const text = '𝄞 "quoted" \\ \n\t\u0000 end';
    expect(parseChatSend(encodeJson({ text })).text).toBe(text);
  });

  it('errors are ProtocolErrors carrying the JSON cause', () => {
    let caught: unknown;
    try {
      parseState(Buffer.from('{', 'utf8'));
    } catch (err) {
      caught = err;
    }
    expect((caught as ProtocolError).code).toBe(ProtocolErrorCode.BAD_PAYLOAD);
    expect((caught as ProtocolError).cause).toBeInstanceOf(SyntaxError);
  });
});

describe('HELLO state', () => {
  it('carries the joining client\'s mute and camera state, and refuses a malformed one', () => {
    const withState = parseHello(encodeJson({ ...hello, state: { muted: true, cameraOff: false } }));
    expect(withState.state).toEqual({ muted: true, cameraOff: false });
    expect(parseHello(encodeJson(hello)).state).toBeUndefined();
    expect(() => parseHello(encodeJson({ ...hello, state: { muted: 'yes', cameraOff: false } }))).toThrow(/muted/);
  });
});

describe('a participant who left, as it may be shown ("alice dropped out (disconnected)")', () => {
  it('has no controls in its reason either (a hostile server could set the terminal\'s title with one)', () => {
    const left = parseParticipantLeft(encodeJson({ id: 3, name: 'al\u001b[31mice', reason: 'gone\u001b]0;pwned\u0007\u202e' }));
    expect(left).toEqual({ id: 3, name: 'al[31mice', reason: 'gone]0;pwned' });
  });
});

describe('chat text as it may be shown', () => {
  it.each([
    ['tabs and line breaks become spaces', 'a\tb\nc\r\u2028d', 'a b c  d'],
    ['line breaks that are control characters (VT, FF, NEL) are taken out, not spaced', 'a\u000bb\u000cc\u0085d', 'abcd'],
    ['escape sequences lose their escape (an OSC 52 clipboard write, a colour)', 'x\u001b]52;c;aGk=\u0007y\u001b[31m', 'x]52;c;aGk=y[31m'],
    ['bidi overrides are taken out', 'file\u202etxt.exe\u2066', 'filetxt.exe'],
    ['emoji with modifiers and joiners stay whole', 'ok 👍🏽 👩‍👩‍👧', 'ok 👍🏽 👩‍👩‍👧'],
    ['a lone surrogate half becomes U+FFFD', 'a\ud800b\udc00', 'a\ufffdb\ufffd'],
  ])('%s', (_what, text, shown) => {
    expect(printableChatText(text)).toBe(shown);
  });

  it('leaves at most 3 bytes of JSON per character, so the longest text and its sender fit a chat frame', () => {
    const worst = printableChatText('\u0001"\\\ud800€'.repeat(MAX_CHAT_LENGTH / 5));
    const entry: ChatEntry = { fromId: 4294967295, from: '€'.repeat(32), text: worst, ts: Date.now() + 0.5 };
    expect(encodeJson({ text: worst }).length).toBeLessThanOrEqual(3 * MAX_CHAT_LENGTH + 20);
    expect(encodeJson(entry).length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES[StreamKind.CHAT]);
  });

  it('is applied to chat and names a server relays (another server may relay anything)', () => {
    const entry = parseChatEntry(encodeJson({ fromId: 1, from: 'eve\u001b[2J', text: 'hi\u001b]0;owned\u0007', ts: 1 }));
    expect(entry).toEqual({ fromId: 1, from: 'eve[2J', text: 'hi]0;owned', ts: 1 });
    expect(parseParticipantJoined(encodeJson({ id: 2, name: 'm\u0007allory', muted: false, cameraOff: false })).name).toBe('mallory');
  });
});

describe('parseReason releaseInMs (name-taken, docs/protocol.md §4.1)', () => {
  it('is optional, and read when it is a whole number of ms', () => {
    expect(parseReason(encodeJson({ code: 'name-taken', message: 'm' }))).toEqual({ code: 'name-taken', message: 'm' });
    expect(parseReason(encodeJson({ code: 'name-taken', message: 'm', releaseInMs: 7000 }))).toEqual({ code: 'name-taken', message: 'm', releaseInMs: 7000 });
  });

  it.each([-1, 1.5, '7000', null, true, 2 ** 32])('rejects %j', (value) => {
    expectBadPayload(parseReason, json({ code: 'name-taken', message: 'm', releaseInMs: value }));
  });
});

describe('fuzz: every message type with random field values', () => {
  // Units that JSON escapes or doubles, marks, joiners, astral pairs, controls and bidi overrides, lone surrogates.
  const UNITS = ['a', 'Z', ' ', '"', '\\', '/', 'é', '\u0301', '\u200d', '😀', '🇫🇷', '李', '\u2028', '\x00', '\x1b', '\x7f', '\u202e', '\ufffd', '\ud800', '\udc00', '\ufeff', '\t'];

  it('600 rounds: what encodeJson makes of a valid message parses back to it, at lengths up to each limit', () => {
    const random = rng(0x3e55);
    const pick = (n: number): number => Math.floor(random() * n);
    /** A string of up to `max` UTF-16 units (often exactly `max`); `shown`: as the parser cleans text it shows. */
    const text = (max: number, shown = false): string => {
      const target = random() < 0.2 ? max : pick(max + 1);
      let out = '';
      while (out.length < target) {
        const unit = UNITS[pick(UNITS.length)]!;
        out += out.length + unit.length <= target ? unit : 'x';
      }
      return shown ? printableChatText(out) : out;
    };
    const u32 = (): number => [0, 1, 0xffffffff, pick(2 ** 32)][pick(4)]!;
    const flag = (): true | undefined => (random() < 0.3 ? true : undefined);
    const state = (): StateMessage => mediaStateOf({ muted: random() < 0.5, cameraOff: random() < 0.5, noMicrophone: flag(), noCamera: flag(), recording: flag() });
    const names = (): string[] => Array.from({ length: pick(17) }, () => text(32));
    const participant = (): ParticipantInfo => ({ id: u32(), name: text(128, true), ...state() });
    const entry = (): ChatEntry => ({ fromId: u32(), from: text(128, true), text: text(MAX_CHAT_LENGTH, true), ts: (random() - 0.5) * 4e12 });
    const roundTrip = (parse: Parser, value: object): void => {
      const parsed = parse(encodeJson(value));
      // expect() only on a difference: built for each of 7,000 messages, its messages took most of the time.
      if (!isDeepStrictEqual(parsed, value)) expect(parsed, JSON.stringify(value)).toEqual(value);
    };
    for (let i = 0; i < 600; i++) {
      const hello: HelloMessage = { protocol: text(32), version: [1, 0, -1, 1.5][pick(4)]!, name: text(1024), room: text(1024), client: text(100), caps: { video: names(), audio: names() } };
      if (random() < 0.5) hello.caps.feedback = names();
      if (random() < 0.5) hello.resumeToken = text(128);
      if (random() < 0.5) hello.state = state();
      roundTrip(parseHello, hello);
      roundTrip(parseChallenge, { salt: text(128), nonce: text(128) });
      roundTrip(parseAuth, { proof: text(128) });
      const welcome: WelcomeMessage = {
        id: u32(), name: text(128), room: text(128), participants: Array.from({ length: pick(4) }, participant), chat: Array.from({ length: pick(3) }, entry),
        audioCodec: text(32), server: text(100), pingIntervalMs: pick(1e5), idleTimeoutMs: pick(1e5), resumeToken: text(128),
      };
      if (random() < 0.5) welcome.features = names();
      roundTrip(parseWelcome, welcome);
      roundTrip(parseCongestion, { receiverId: u32(), level: pick(3) });
      roundTrip(parseReason, random() < 0.5 ? { code: text(64), message: text(500) } : { code: text(64), message: text(500), releaseInMs: u32() });
      roundTrip(parseParticipantJoined, participant());
      roundTrip(parseParticipantLeft, { id: u32(), name: text(128, true), reason: text(64, true) });
      roundTrip(parseState, state());
      roundTrip(parseReceive, { video: random() < 0.5 });
      roundTrip(parseChatSend, { text: text(MAX_CHAT_LENGTH) });
      roundTrip(parseChatEntry, entry());
    }
  });

  it('chat text made printable stays so, holds no half surrogate pair, and the longest fits a chat frame', () => {
    const random = rng(0x7e47);
    for (let i = 0; i < 500; i++) {
      let raw = '';
      for (let n = Math.floor(random() * 2 * MAX_CHAT_LENGTH); raw.length < n; ) raw += UNITS[Math.floor(random() * UNITS.length)];
      const shown = printableChatText(raw);
      expect(printableChatText(shown)).toBe(shown);
      expect(hasLoneSurrogate(shown)).toBe(false);
      // Cut at the limit as splitChat would (never inside a pair), from a 32-character name of 2-unit characters.
      const cut = /[\ud800-\udbff]/.test(shown[MAX_CHAT_LENGTH - 1] ?? '') ? MAX_CHAT_LENGTH - 1 : MAX_CHAT_LENGTH;
      const frame = { fromId: 0xffffffff, from: '😀'.repeat(32), text: shown.slice(0, cut), ts: -1.2345678901234567e300 };
      expect(encodeJson(frame).length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES[StreamKind.CHAT]);
    }
  });
});

import { MAX_CHAT_LENGTH, MAX_NAME_LENGTH, MAX_ROOM_LENGTH } from './constants.js';
import { ProtocolError, ProtocolErrorCode } from './errors.js';

/**
 * Structured payloads of control and chat frames (docs/protocol.md §4). They travel as UTF-8 JSON, are parsed with
 * `JSON.parse` (data only, never code) and then checked field by field: anything not matching is `LC_ERR_BAD_PAYLOAD`.
 */

export interface Capabilities {
  /** Video codecs this client can decode, e.g. ["jpeg"]. */
  video: string[];
  /** Audio codecs this client can decode, in order of preference, e.g. ["opus", "pcm"]. */
  audio: string[];
  /** Optional features this client understands (docs/protocol.md §4.4), e.g. ["ack", "congestion"]. */
  feedback?: string[];
}

export interface HelloMessage {
  protocol: string;
  version: number;
  name: string;
  room: string;
  client: string;
  caps: Capabilities;
  /** Token from an earlier WELCOME: lets a reconnecting client take over its own stale session. */
  resumeToken?: string;
  /** Muted or camera off from the start: the others see it in the join, not a moment later (docs/protocol.md §4.1). */
  state?: StateMessage;
}

export interface ChallengeMessage {
  /** Base64 scrypt salt, fixed for the server's lifetime. */
  salt: string;
  /** Base64 random nonce, fresh for this connection. */
  nonce: string;
}

export interface AuthMessage {
  /** Base64 HMAC-SHA256 proof (docs/protocol.md §4.2). */
  proof: string;
}

export interface ParticipantInfo extends StateMessage {
  id: number;
  name: string;
}

export interface ChatEntry {
  fromId: number;
  from: string;
  text: string;
  /** Server receive time, ms since the Unix epoch. */
  ts: number;
}

export interface WelcomeMessage {
  id: number;
  name: string;
  room: string;
  participants: ParticipantInfo[];
  chat: ChatEntry[];
  /** The audio codec this client should send; every participant of the room can decode it. */
  audioCodec: string;
  server: string;
  pingIntervalMs: number;
  idleTimeoutMs: number;
  resumeToken: string;
  /** Optional features the server uses with this client (docs/protocol.md §4.4); absent from older servers. */
  features?: string[];
}

export interface ReasonMessage {
  /** Stable reason code (docs/protocol.md §6). */
  code: string;
  /** One sentence for a person. */
  message: string;
  /**
   * REFUSE `name-taken` only: the member holding the name has been silent past its pings, and the server lets it go in
   * this many ms unless it speaks again (docs/protocol.md §4.1).
   */
  releaseInMs?: number;
}

export interface ParticipantLeftMessage {
  id: number;
  name: string;
  reason: string;
}

/**
 * Whether a participant's microphone and camera are on. `noMicrophone` and `noCamera` (present only when true) say
 * there is none to turn on, so others see "no mic" rather than "muted"; `muted`/`cameraOff` are then true as well, for
 * clients that predate the two fields.
 */
export interface StateMessage {
  muted: boolean;
  cameraOff: boolean;
  noMicrophone?: true;
  noCamera?: true;
  /** They record the call (`--record`): everyone else is shown so. */
  recording?: true;
}

/** Only the media state of a participant entry or event: other fields dropped, the two flags only when true. */
export function mediaStateOf(from: Partial<StateMessage>): StateMessage {
  return {
    muted: from.muted ?? false,
    cameraOff: from.cameraOff ?? false,
    ...(from.noMicrophone ? { noMicrophone: true } : {}),
    ...(from.noCamera ? { noCamera: true } : {}),
    ...(from.recording ? { recording: true } : {}),
  };
}

/** Whether `a` and `b` say the same of microphone, camera and recording (mediaStateOf: absent flags are false). */
export function sameMediaState(a: Partial<StateMessage>, b: Partial<StateMessage>): boolean {
  return JSON.stringify(mediaStateOf(a)) === JSON.stringify(mediaStateOf(b));
}

/** CONGESTION (docs/protocol.md §5.2): how congested the path to one receiver is. */
export interface CongestionMessage {
  receiverId: number;
  /** 0 clear, 1 video is being thinned, 2 audio is at risk. */
  level: number;
}

export interface ChatSendMessage {
  text: string;
}

/** RECEIVE (docs/protocol.md §4.5): what this client wants the server to send it. */
export interface ReceiveMessage {
  /** False: no video from anyone (audio only), until a RECEIVE with true. */
  video: boolean;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a control payload as UTF-8 JSON. */
export function encodeJson(value: object): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function bad(what: string): never {
  throw new ProtocolError(ProtocolErrorCode.BAD_PAYLOAD, `malformed payload: ${what}`);
}

function parseObject(payload: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(textDecoder.decode(payload));
  } catch (err) {
    throw new ProtocolError(ProtocolErrorCode.BAD_PAYLOAD, 'malformed payload: not UTF-8 JSON', { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('not a JSON object');
  return value as Record<string, unknown>;
}

function str(obj: Record<string, unknown>, key: string, maxLength: number): string {
  const value = obj[key];
  if (typeof value !== 'string') bad(`${key} must be a string`);
  if (value.length > maxLength) bad(`${key} longer than ${maxLength} characters`);
  return value;
}

function optStr(obj: Record<string, unknown>, key: string, maxLength: number): string | undefined {
  return obj[key] === undefined ? undefined : str(obj, key, maxLength);
}

function num(obj: Record<string, unknown>, key: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) bad(`${key} must be a number`);
  return value;
}

function int(obj: Record<string, unknown>, key: string): number {
  const value = num(obj, key);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) bad(`${key} must be a 32-bit unsigned integer`);
  return value;
}

function bool(obj: Record<string, unknown>, key: string): boolean {
  const value = obj[key];
  if (typeof value !== 'boolean') bad(`${key} must be true or false`);
  return value;
}

/** An optional flag that is present only when true. */
function optTrue(obj: Record<string, unknown>, key: string): { [k: string]: true } {
  if (obj[key] === undefined || obj[key] === false) return {};
  if (obj[key] !== true) bad(`${key} must be true or false`);
  return { [key]: true };
}

/** STATE, HELLO `state` and participant entries share these fields. */
function mediaState(o: Record<string, unknown>): StateMessage {
  return { muted: bool(o, 'muted'), cameraOff: bool(o, 'cameraOff'), ...optTrue(o, 'noMicrophone'), ...optTrue(o, 'noCamera'), ...optTrue(o, 'recording') };
}

function strList(obj: Record<string, unknown>, key: string): string[] {
  const value = obj[key];
  if (!Array.isArray(value) || value.length > 16) bad(`${key} must be a short list`);
  return value.map((item) => {
    if (typeof item !== 'string' || item.length > 32) bad(`${key} must hold short strings`);
    return item;
  });
}

function list<T>(obj: Record<string, unknown>, key: string, max: number, each: (o: Record<string, unknown>) => T): T[] {
  const value = obj[key];
  if (!Array.isArray(value) || value.length > max) bad(`${key} must be a list of at most ${max}`);
  return value.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) bad(`${key} must hold objects`);
    return each(item as Record<string, unknown>);
  });
}

function object(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = obj[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(`${key} must be an object`);
  return value as Record<string, unknown>;
}

const MAX_TOKEN = 128;
const MAX_MESSAGE = 500;
/** Participants a WELCOME may list: a client refuses a longer list (so --max-participants stops here). */
export const MAX_LISTED_PARTICIPANTS = 1024;
const MAX_LISTED_CHAT = 200;

/** The longest name or room a HELLO may carry to be judged by the server's rules (far above their limits). */
const HELLO_TEXT_BOUND = 1024;

/** The two fields every version of the protocol keeps in its HELLO, so any version can be told it is not this one. */
export interface HelloGreeting {
  protocol: string;
  version: number;
}

/**
 * Reads only `protocol` and `version` of a HELLO (docs/protocol.md §4.1): a later version may change every other field,
 * and must still be refused as `version-mismatch`, not be taken for a malformed HELLO of this one.
 */
export function parseHelloGreeting(payload: Uint8Array): HelloGreeting {
  const o = parseObject(payload);
  return { protocol: str(o, 'protocol', 32), version: num(o, 'version') };
}

export function parseHello(payload: Uint8Array): HelloMessage {
  const o = parseObject(payload);
  const caps = object(o, 'caps');
  const hello: HelloMessage = {
    protocol: str(o, 'protocol', 32),
    version: num(o, 'version'),
    // Name and room are validated by the server's rules, which say what is wrong with one too long (bad-name,
    // bad-room: refused, not retried); here only a bound on what is read.
    name: str(o, 'name', HELLO_TEXT_BOUND),
    room: str(o, 'room', HELLO_TEXT_BOUND),
    client: str(o, 'client', 100),
    caps: { video: strList(caps, 'video'), audio: strList(caps, 'audio') },
  };
  if (caps.feedback !== undefined) hello.caps.feedback = strList(caps, 'feedback');
  const resumeToken = optStr(o, 'resumeToken', MAX_TOKEN);
  if (resumeToken !== undefined) hello.resumeToken = resumeToken;
  if (o.state !== undefined) {
    const state = object(o, 'state');
    hello.state = mediaState(state);
  }
  return hello;
}

export function parseChallenge(payload: Uint8Array): ChallengeMessage {
  const o = parseObject(payload);
  return { salt: str(o, 'salt', MAX_TOKEN), nonce: str(o, 'nonce', MAX_TOKEN) };
}

export function parseAuth(payload: Uint8Array): AuthMessage {
  const o = parseObject(payload);
  return { proof: str(o, 'proof', MAX_TOKEN) };
}

function participant(o: Record<string, unknown>): ParticipantInfo {
  return { id: int(o, 'id'), name: printableChatText(str(o, 'name', MAX_NAME_LENGTH * 4)), ...mediaState(o) };
}

function chatEntry(o: Record<string, unknown>): ChatEntry {
  // Names and text cleaned here too: a server of another make (or a hostile one) may relay anything.
  return { fromId: int(o, 'fromId'), from: printableChatText(str(o, 'from', MAX_NAME_LENGTH * 4)), text: printableChatText(str(o, 'text', MAX_CHAT_LENGTH)), ts: num(o, 'ts') };
}

export function parseWelcome(payload: Uint8Array): WelcomeMessage {
  const o = parseObject(payload);
  return {
    id: int(o, 'id'),
    name: str(o, 'name', MAX_NAME_LENGTH * 4),
    room: str(o, 'room', MAX_ROOM_LENGTH * 4),
    participants: list(o, 'participants', MAX_LISTED_PARTICIPANTS, participant),
    chat: list(o, 'chat', MAX_LISTED_CHAT, chatEntry),
    audioCodec: str(o, 'audioCodec', 32),
    server: str(o, 'server', 100),
    pingIntervalMs: num(o, 'pingIntervalMs'),
    idleTimeoutMs: num(o, 'idleTimeoutMs'),
    resumeToken: str(o, 'resumeToken', MAX_TOKEN),
    ...(o.features !== undefined ? { features: strList(o, 'features') } : {}),
  };
}

export function parseCongestion(payload: Uint8Array): CongestionMessage {
  const o = parseObject(payload);
  const level = int(o, 'level');
  if (level > 2) bad('level must be 0, 1 or 2');
  return { receiverId: int(o, 'receiverId'), level };
}

export function parseReason(payload: Uint8Array): ReasonMessage {
  const o = parseObject(payload);
  const reason: ReasonMessage = { code: str(o, 'code', 64), message: str(o, 'message', MAX_MESSAGE) };
  if (o.releaseInMs !== undefined) reason.releaseInMs = int(o, 'releaseInMs');
  return reason;
}

export function parseParticipantJoined(payload: Uint8Array): ParticipantInfo {
  return participant(parseObject(payload));
}

export function parseParticipantLeft(payload: Uint8Array): ParticipantLeftMessage {
  const o = parseObject(payload);
  // The reason is shown too ("dropped out (disconnected)"): no controls from a hostile server either.
  return { id: int(o, 'id'), name: printableChatText(str(o, 'name', MAX_NAME_LENGTH * 4)), reason: printableChatText(str(o, 'reason', 64)) };
}

export function parseState(payload: Uint8Array): StateMessage {
  return mediaState(parseObject(payload));
}

export function parseReceive(payload: Uint8Array): ReceiveMessage {
  return { video: bool(parseObject(payload), 'video') };
}

/** Tabs and line breaks: a space, as pasted ones are. Other control characters (escape sequences would reach other
 * people's terminals) and bidi overrides (text that reads other than it is stored): taken out. */
const UNPRINTABLE_IN_CHAT = /([\t\n\r\u2028\u2029])|[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Whether one typed character is taken out of chat by the rule above. Surrogate halves are not: a terminal's input
 * may come a UTF-16 unit at a time (blessed splits it so), and an emoji is two of them.
 */
export function isUnprintableInChat(char: string): boolean {
  const surrogateHalf = char.length === 1 && char >= '\ud800' && char <= '\udfff';
  return !surrogateHalf && printableChatText(char) !== char;
}
/** A surrogate half without its other half: JSON writes it as a 6-byte escape, terminals as garbage. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Whether `text` holds half a surrogate pair (not text: JSON and terminals mangle it). */
export function hasLoneSurrogate(text: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(text);
}

/**
 * Chat text as it may be sent, relayed and shown. Also bounds its size on the wire: every UTF-16 unit left takes at
 * most 3 bytes of JSON, so MAX_CHAT_LENGTH units and their sender always fit one chat frame.
 */
export function printableChatText(text: string): string {
  return text.replace(UNPRINTABLE_IN_CHAT, (_, separator: string | undefined) => (separator ? ' ' : '')).replace(LONE_SURROGATE, '\ufffd');
}

/** A chat frame from a client: just the text. */
export function parseChatSend(payload: Uint8Array): ChatSendMessage {
  const o = parseObject(payload);
  return { text: str(o, 'text', MAX_CHAT_LENGTH) };
}

/** A chat frame relayed by the server: who said it, when. */
export function parseChatEntry(payload: Uint8Array): ChatEntry {
  return chatEntry(parseObject(payload));
}

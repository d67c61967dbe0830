import { Feature, Reason, randomToken, type HelloMessage } from '../protocol/index.js';
import { nameTakenRefusal, type Refusal } from './admission.js';
import type { ServerContext } from './context.js';
import type { Room, RoomMember } from './room.js';
import { welcomePayload } from './welcome.js';

/** The server uses every optional feature it knows (docs/protocol.md §4.4) with a client that offers it. */
const SERVER_FEATURES: ReadonlySet<string> = new Set(Object.values(Feature));

/** A member as a join sees it: how long it has been silent, and the token that gives its seat to its owner back. */
export interface Seat extends RoomMember {
  /** Last time any frame arrived from it. */
  readonly lastHeardAt: number;
  /** The resume token its WELCOME carried ('' before its join). */
  readonly resumeToken: string;
}

/** The terms a join goes ahead on; nothing has changed yet (the stale seat is still in the room). */
export interface JoinTerms<S extends Seat> {
  type: 'seated';
  /** The same person's earlier connection, whose seat this join takes: it is to be ended as replaced. */
  stale: S | undefined;
  audioCodec: string;
  /** Optional features agreed with this client (docs/protocol.md §4.4). */
  features: Set<string>;
  resumeToken: string;
  /** The WELCOME's payload. */
  welcome: Uint8Array;
}

/** A join turned down: the name is someone else's, the room is full, or its members do not fit one WELCOME. */
export interface JoinRefused {
  type: 'refused';
  refusal: Refusal;
}

/**
 * The terms on which peer `id`, whose HELLO (and password) passed, joins `room` (docs/protocol.md §4.1, §4.2): its
 * seat (its own, or the one its stale connection holds), the audio codec (the client's first the server allows), the
 * features both sides offer, its resume token and its WELCOME; or why it may not join.
 */
export function joinTerms<S extends Seat>(
  id: number,
  hello: HelloMessage,
  room: Room,
  ctx: Pick<ServerContext, 'now' | 'options' | 'returning'>,
): JoinTerms<S> | JoinRefused {
  const existing = room.memberNamed(hello.name) as S | undefined;
  // The same person reconnecting before the server noticed the old connection died: it takes the old seat.
  const stale = existing && hello.resumeToken && hello.resumeToken === existing.resumeToken ? existing : undefined;
  if (existing && !stale) {
    return { type: 'refused', refusal: nameTakenRefusal(hello.name, room.name, ctx.now() - existing.lastHeardAt, ctx.options) };
  }
  if (room.size - (stale ? 1 : 0) >= ctx.options.maxParticipants) {
    return { type: 'refused', refusal: { code: Reason.ROOM_FULL, message: `room "${room.name}" is full (${ctx.options.maxParticipants} ${ctx.options.maxParticipants === 1 ? 'participant' : 'participants'})` } };
  }
  const audioCodec = hello.caps.audio.find((c) => ctx.options.audioCodecs.includes(c)) ?? 'pcm';
  const features = new Set<string>();
  for (const feature of hello.caps.feedback ?? []) {
    if (SERVER_FEATURES.has(feature)) features.add(feature);
  }
  // A token this server handed out and still counts (someone back after a dropped link) is kept; any other — made
  // up, empty, or from before a restart — is replaced, so only tokens issued here ever count (§4.2).
  const returning = ctx.returning.knows(hello.resumeToken, ctx.now());
  const resumeToken = returning && hello.resumeToken ? hello.resumeToken : randomToken(18).toString('base64url');
  // Built before anything changes: a welcome that cannot be sent must not cost the old seat its place.
  const welcome = welcomePayload(room, stale, { id, name: hello.name, audioCodec, resumeToken, features }, ctx.options);
  if (!welcome) {
    return { type: 'refused', refusal: { code: Reason.ROOM_FULL, message: `room "${room.name}" has more participants than one welcome message can list` } };
  }
  return { type: 'seated', stale, audioCodec, features, resumeToken, welcome };
}

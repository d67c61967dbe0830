import type { CodecValue, FrameTypeValue, StreamKindValue } from '../protocol/index.js';
import type { AddressChatBudget } from './address-chat.js';
import type { Logger } from './logger.js';
import type { FailureLimiter } from './rate-limiter.js';
import type { ReturningParticipants } from './returning-participants.js';
import type { Room } from './room.js';

/** Settings every peer follows; defaults in server.ts. */
export interface PeerPolicy {
  maxParticipants: number;
  pingIntervalMs: number;
  idleTimeoutMs: number;
  handshakeTimeoutMs: number;
  /** Time a client has to answer the password CHALLENGE (docs/protocol.md §4.2). */
  authTimeoutMs: number;
  /** Audio codecs the server lets clients send, in order of preference. */
  audioCodecs: string[];
  serverName: string;
}

/** What a Peer needs from the server around it; kept narrow so peers can be tested alone. */
export interface ServerContext {
  readonly options: PeerPolicy;
  readonly logger: Logger;
  readonly limiter: FailureLimiter;
  /** Chat bytes all connections from one address may send together (docs/protocol.md §4.3). */
  readonly chatByAddress: AddressChatBudget;
  /** Participants coming back after a lost connection: not held to the failed-login limit of their address. */
  readonly returning: ReturningParticipants;
  /** Present when the server has a password (docs/protocol.md §4.2). */
  readonly auth: { salt: Buffer; key: Buffer } | undefined;
  /** Monotonic milliseconds (monotonicMs), for durations: timeouts and rate limits. */
  now(): number;
  wallMs(): number;
  nextPeerId(): number;
  /** The room of that name, compared as `roomKey` does; opened (under this spelling) if there is none. */
  room(name: string): Room;
  roomMaybeEmpty(room: Room): void;
  forget(peer: { id: number }): void;
  encode(
    type: FrameTypeValue, kind: StreamKindValue, codec: CodecValue, sender: number, seq: number, ts: number, payload: Uint8Array,
  ): Uint8Array;
}

import { MAX_PAYLOAD_BYTES, StreamKind, encodeJson, type ChatEntry } from '../protocol/index.js';
import type { PeerPolicy } from './context.js';
import type { Room, RoomMember } from './room.js';

/** Who the WELCOME is for: the joining peer, as the join settled it (docs/protocol.md §4.1). */
export interface WelcomeSelf {
  id: number;
  name: string;
  audioCodec: string;
  resumeToken: string;
  /** Optional features agreed with this client (docs/protocol.md §4.4). */
  features: Iterable<string>;
}

/**
 * The WELCOME, or undefined if the room's members alone would not fit one control frame. Chat history goes in
 * newest first as far as it fits: a room full of long pastes must not lock everyone out.
 */
export function welcomePayload(
  room: Room,
  replacing: RoomMember | undefined,
  self: WelcomeSelf,
  policy: Pick<PeerPolicy, 'serverName' | 'pingIntervalMs' | 'idleTimeoutMs'>,
): Uint8Array | undefined {
  const welcome = {
    id: self.id,
    name: self.name,
    room: room.name,
    participants: room.participants().filter((p) => p.id !== replacing?.id),
    chat: [] as ChatEntry[],
    audioCodec: self.audioCodec,
    server: policy.serverName,
    pingIntervalMs: policy.pingIntervalMs,
    idleTimeoutMs: policy.idleTimeoutMs,
    resumeToken: self.resumeToken,
    features: [...self.features],
  };
  const limit = MAX_PAYLOAD_BYTES[StreamKind.CONTROL];
  const withoutChat = encodeJson(welcome).length;
  if (withoutChat > limit) return undefined;
  welcome.chat = room.chatHistoryWithin(limit - withoutChat + 2);
  return encodeJson(welcome);
}

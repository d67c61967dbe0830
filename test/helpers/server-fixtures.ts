import { PROTOCOL_NAME, PROTOCOL_VERSION, type HelloMessage } from '../../src/protocol/index.js';
import type { PeerPolicy } from '../../src/server/context.js';

/** A well-formed HELLO from "alice" for room "main", with `over` on top: what the server's pure parts are handed. */
export function helloFrom(over: Partial<HelloMessage> = {}): HelloMessage {
  return {
    protocol: PROTOCOL_NAME,
    version: PROTOCOL_VERSION,
    name: 'alice',
    room: 'main',
    client: 'test',
    caps: { video: ['jpeg'], audio: ['opus'] },
    ...over,
  };
}

/** The server's defaults as a PeerPolicy (docs/protocol.md §4), with `over` on top. */
export function peerPolicy(over: Partial<PeerPolicy> = {}): PeerPolicy {
  return {
    maxParticipants: 10, pingIntervalMs: 5_000, idleTimeoutMs: 15_000, handshakeTimeoutMs: 10_000, authTimeoutMs: 30_000,
    audioCodecs: ['opus', 'pcm'], serverName: 'test',
    ...over,
  };
}

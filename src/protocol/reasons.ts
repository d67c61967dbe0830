/**
 * Reason codes the server sends in REFUSE and BYE (docs/protocol.md §6), with the sentence a person reads.
 * Clients map the `refused` group to exit code 3 (SPEC §1).
 */
export const Reason = {
  VERSION_MISMATCH: 'version-mismatch',
  NOT_LIVECOMM: 'not-livecomm',
  BAD_NAME: 'bad-name',
  BAD_ROOM: 'bad-room',
  NAME_TAKEN: 'name-taken',
  ROOM_FULL: 'room-full',
  AUTH_FAILED: 'auth-failed',
  RATE_LIMITED: 'rate-limited',
  HANDSHAKE_TIMEOUT: 'handshake-timeout',
  AUTH_TIMEOUT: 'auth-timeout',
  TOO_MANY_CONNECTIONS: 'too-many-connections',
  CONNECTING_TOO_FAST: 'connecting-too-fast',
  MALFORMED: 'malformed-frame',
  UNEXPECTED_FRAME: 'unexpected-frame',
  SLOW_CONSUMER: 'slow-consumer',
  FLOODING: 'flooding',
  IDLE_TIMEOUT: 'idle-timeout',
  REPLACED: 'replaced',
  SERVER_SHUTDOWN: 'server-shutdown',
  CALL_ENDED: 'call-ended',
  LEAVE: 'leave',
} as const;
export type ReasonCode = (typeof Reason)[keyof typeof Reason];

/** Refusals that retrying cannot fix: the client exits 3 and does not reconnect. */
export const REFUSAL_CODES: ReadonlySet<string> = new Set([
  Reason.VERSION_MISMATCH,
  Reason.NOT_LIVECOMM,
  Reason.BAD_NAME,
  Reason.BAD_ROOM,
  Reason.NAME_TAKEN,
  Reason.ROOM_FULL,
  Reason.AUTH_FAILED,
  Reason.RATE_LIMITED,
]);

/**
 * Refusals that say "not now" rather than "no": the server is full or the address connects too fast. Clients treat
 * them like a lost connection and retry with backoff (docs/protocol.md §5.3).
 */
export const RETRY_LATER_CODES: ReadonlySet<string> = new Set([Reason.TOO_MANY_CONNECTIONS, Reason.CONNECTING_TOO_FAST]);

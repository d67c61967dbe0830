import { PROTOCOL_NAME, PROTOCOL_VERSION, Reason, type HelloGreeting, type HelloMessage, type ReasonCode } from '../protocol/index.js';
import { limitKeyOf } from '../net/address.js';
import type { ServerContext } from './context.js';
import { nameProblem, roomProblem } from './names.js';

/** A join turned down: the REFUSE's code and sentence, and for a name held by a silent link, when it is let go. */
export interface Refusal {
  code: ReasonCode;
  message: string;
  releaseInMs?: number;
}

/** Silence past a ping interval that makes the holder of a name count as gone quiet (docs/protocol.md §4.1). */
const HOLDER_GRACE_MS = 2_000;

/** Why a HELLO's client cannot talk to this server at all (another protocol or version), or undefined. Pure. */
export function greetingRefusal(hello: HelloGreeting): Refusal | undefined {
  if (hello.protocol !== PROTOCOL_NAME) {
    return { code: Reason.NOT_LIVECOMM, message: `this is a livecomm-tui server; the client speaks "${hello.protocol}"` };
  }
  if (hello.version !== PROTOCOL_VERSION) {
    const message = `the server speaks protocol version ${PROTOCOL_VERSION} and the client version ${hello.version}: update the older side`;
    return { code: Reason.VERSION_MISMATCH, message };
  }
  return undefined;
}

/** Why a HELLO cannot join any room here (another protocol or version, a bad name or room), or undefined. Pure. */
export function helloRefusal(hello: HelloMessage): Refusal | undefined {
  const greeting = greetingRefusal(hello);
  if (greeting) return greeting;
  const problem = nameProblem(hello.name);
  if (problem) return { code: Reason.BAD_NAME, message: problem };
  const roomIssue = roomProblem(hello.room);
  if (roomIssue) return { code: Reason.BAD_ROOM, message: roomIssue };
  return undefined;
}

/**
 * The refusal of a name someone in the room holds (not the same person back: their resume token takes the seat).
 * A holder silent past its pings is most likely that person's own dropped link, which the idle limit lets go: the
 * REFUSE says when, so a client can wait for it once (docs/protocol.md §4.1). Pure.
 */
export function nameTakenRefusal(
  name: string,
  room: string,
  holderSilentMs: number,
  limits: { pingIntervalMs: number; idleTimeoutMs: number },
): Refusal {
  const taken = `the name "${name}" is already taken in room "${room}"`;
  if (holderSilentMs <= limits.pingIntervalMs + HOLDER_GRACE_MS) return { code: Reason.NAME_TAKEN, message: taken };
  return {
    code: Reason.NAME_TAKEN,
    message: `${taken} (nothing heard from it for ${Math.floor(holderSilentMs / 1000)} s)`,
    releaseInMs: Math.max(0, Math.ceil(limits.idleTimeoutMs - holderSilentMs)),
  };
}

/**
 * The refusal of an address locked out by failed logins, unless the connection brings back someone who was in a call
 * here (their dropped link must not cost them the call because others behind their NAT guessed); undefined if it may
 * go on.
 */
export function lockoutRefusal(
  ctx: Pick<ServerContext, 'limiter' | 'returning' | 'now'>,
  address: string,
  resumeToken: string | undefined,
): Refusal | undefined {
  const blockedMs = ctx.limiter.blockedForMs(limitKeyOf(address));
  if (blockedMs === 0 || ctx.returning.knows(resumeToken, ctx.now())) return undefined;
  return { code: Reason.RATE_LIMITED, message: `too many failed logins from this address; try again in ${Math.ceil(blockedMs / 1000)} s` };
}

/**
 * Counts a wrong password against the address (and forgets the resume token it brought) and says why the join is
 * refused: the failure that locks the address out says so, as another try, even with the right password, cannot work.
 */
export function wrongPasswordRefusal(
  ctx: Pick<ServerContext, 'limiter' | 'returning' | 'logger'>,
  address: string,
  hello: HelloMessage,
): Refusal {
  const key = limitKeyOf(address);
  ctx.limiter.recordFailure(key);
  ctx.returning.forget(hello.resumeToken);
  ctx.logger.log('warn', 'auth-failed', { address, name: hello.name, room: hello.room });
  const lockedMs = ctx.limiter.blockedForMs(key);
  if (lockedMs === 0) return { code: Reason.AUTH_FAILED, message: 'wrong password for this server' };
  const wait = `try again in ${Math.ceil(lockedMs / 1000)} s`;
  return { code: Reason.RATE_LIMITED, message: `wrong password for this server, and too many failed logins from this address: ${wait}` };
}

/**
 * Whether, and when, a call tries again after a connection ended (pure). Before the first join it makes a few
 * attempts; once it was in, it keeps trying for a time (a server restart), with backoff and jitter between attempts.
 */
import { Reason } from '../protocol/index.js';
import { CallEndedError, EndKind } from './errors.js';

/** How long a client that was in a call keeps trying to get back into it (README, docs/protocol.md §4.3). */
export const RECONNECT_FOR_MS = 120_000;

/** A call's limits on trying again (CallOptions `connectAttempts`, `reconnectForMs`, `backoff`). */
export interface ReconnectPolicy {
  /** Connection attempts before giving up on the first join. */
  connectAttempts: number;
  /** How long to keep trying to get back after a lost connection, in ms. */
  reconnectForMs: number;
  /** Delay before attempt n (0-based). */
  backoff: (attempt: number) => number;
}

/** How a connection of the call ended, and where the call stood. */
export interface ConnectionEnd {
  error: CallEndedError;
  /** The call was in once (this connection or an earlier one). */
  everJoined: boolean;
  /** The attempt this connection was (0-based). */
  attempt: number;
  /** This connection got as far as the join. */
  joined: boolean;
  /** Time since the loss of the call was noticed (0 before the first join). */
  triedForMs: number;
  /** The call already waited once for a silent holder of its name to be let go. */
  waitedForName?: boolean;
}

/**
 * Failures of a first connection that another attempt cannot mend: a host name DNS does not know, a port that another
 * service holds, an answer that is not TLS to our TLS, an old TLS version. They end the call at once, as they came;
 * after a join they are retried like any loss (the server was there a moment ago: a resolver or a proxy hiccups). A
 * hang-up without a word is tried again: a TLS server does that to a plain HELLO, but so does a server starting
 * behind a proxy.
 */
const HOPELESS_CODES: ReadonlySet<string> = new Set(['host-not-found', 'not-livecomm', 'tls-mismatch', 'tls-version']);

/** Longest wait for a silent holder of our name that the call accepts (the server's idle limit is 15 s). */
const MAX_NAME_WAIT_MS = 60_000;
/** Past the moment the server said it lets the holder go: its idle timer may fire a little late. */
const NAME_WAIT_MARGIN_MS = 1_000;

/** `detail`: what the call says about the wait, when it is not the error's own sentence. */
export type ReconnectStep =
  | { type: 'give-up'; error: CallEndedError }
  | { type: 'retry'; attempt: number; delayMs: number; waitingForName?: true; detail?: string };

/** What the call does after a connection ended: gives up with the error to report, or tries again after a delay. */
export function nextReconnectStep(end: ConnectionEnd, policy: ReconnectPolicy): ReconnectStep {
  const { error, everJoined, triedForMs } = end;
  // The name is held by a connection the server has not heard from lately, most likely our own dropped link: wait once
  // for the server to let it go (docs/protocol.md §4.1). Still taken after that, it is someone else's.
  const releaseInMs = error.code === Reason.NAME_TAKEN ? error.releaseInMs : undefined;
  if (releaseInMs !== undefined && releaseInMs <= MAX_NAME_WAIT_MS && !end.waitedForName) {
    const delayMs = releaseInMs + NAME_WAIT_MARGIN_MS;
    const detail = `the name is held by a connection the server has not heard from lately (yours, if your link just dropped): waiting ${Math.ceil(delayMs / 1000)} s for it to be let go`;
    return { type: 'retry', attempt: end.attempt, delayMs, waitingForName: true, detail };
  }
  // Locked out by failed logins from our address (others behind the same NAT) while coming back: the lock lasts a
  // minute, inside the time we keep trying, so it is waited out rather than taken as a refusal.
  const lockedOutOnReturn = everJoined && error.code === Reason.RATE_LIMITED;
  const hopeless = !everJoined && HOPELESS_CODES.has(error.code);
  const retryable = !hopeless && (error.kind === EndKind.NETWORK || lockedOutOnReturn || (error.kind === EndKind.SERVER_CLOSED && error.code !== 'call-ended'));
  // A session that had joined starts a fresh series of attempts.
  const nextAttempt = end.joined ? 0 : end.attempt + 1;
  // After a join, trying goes on for a time (a server restart), not for a number of attempts.
  const { reconnectForMs, connectAttempts, backoff } = policy;
  if (!retryable || (everJoined ? triedForMs >= reconnectForMs : nextAttempt >= connectAttempts)) {
    const tried = everJoined ? `${Math.round(triedForMs / 1000)} s of trying` : `${connectAttempts} attempt${connectAttempts === 1 ? '' : 's'}`;
    const finalError = retryable && error.kind === EndKind.NETWORK ? new CallEndedError(EndKind.NETWORK, error.code, `${error.message}; gave up after ${tried}`) : error;
    return { type: 'give-up', error: finalError };
  }
  // The last attempt is made when the time is up, not up to a delay after it; in whole milliseconds, as the backoff's
  // are (the time tried comes from a clock with fractions, and headless prints the wait as `retryInMs`).
  const timeLeftMs = Math.max(0, Math.ceil(reconnectForMs - triedForMs));
  const delayMs = everJoined ? Math.min(backoff(nextAttempt), timeLeftMs) : backoff(nextAttempt);
  return { type: 'retry', attempt: nextAttempt, delayMs };
}

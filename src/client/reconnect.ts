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
}

/**
 * Failures of a first connection that another attempt cannot mend: a host name DNS does not know, a port that another
 * service holds, TLS on one side only. They end the call at once, as they came; after a join they are retried like any
 * loss (the server was there a moment ago: a resolver or a proxy hiccups).
 */
const HOPELESS_CODES: ReadonlySet<string> = new Set(['host-not-found', 'not-livecomm', 'tls-mismatch', 'tls-version']);

export type ReconnectStep =
  | { type: 'give-up'; error: CallEndedError }
  | { type: 'retry'; attempt: number; delayMs: number };

/** What the call does after a connection ended: gives up with the error to report, or tries again after a delay. */
export function nextReconnectStep(end: ConnectionEnd, policy: ReconnectPolicy): ReconnectStep {
  const { error, everJoined, triedForMs } = end;
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
  // The last attempt is made when the time is up, not up to a delay after it.
  const delayMs = everJoined ? Math.min(backoff(nextAttempt), Math.max(0, reconnectForMs - triedForMs)) : backoff(nextAttempt);
  return { type: 'retry', attempt: nextAttempt, delayMs };
}

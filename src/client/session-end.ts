/**
 * How a session's end reads (pure): the kind (errors.ts: it decides the exit code and whether to retry) and the
 * sentence of a server's REFUSE or BYE, and the error of a connection that closed without either.
 */
import { FrameType, REFUSAL_CODES, RETRY_LATER_CODES, type FrameTypeValue, type ReasonMessage } from '../protocol/index.js';
import { CallEndedError, EndKind, type EndKindValue } from './errors.js';

/** The kind of end a REFUSE or BYE (`type`) with `reason` means; `leaving`: we had asked to leave. */
export function endKindOf(type: FrameTypeValue, reason: ReasonMessage, leaving: boolean): EndKindValue {
  let kind: EndKindValue;
  if (reason.code === 'leave' && leaving) kind = EndKind.LEFT;
  else if (reason.code === 'server-shutdown' || reason.code === 'call-ended') kind = EndKind.SERVER_CLOSED;
  else if (RETRY_LATER_CODES.has(reason.code)) kind = EndKind.NETWORK;
  else if (type === FrameType.REFUSE || REFUSAL_CODES.has(reason.code)) kind = EndKind.REFUSED;
  else kind = EndKind.NETWORK;
  return kind;
}

/** The sentence a REFUSE or BYE is told to the user in. */
export function refusalSentence(reason: ReasonMessage): string {
  switch (reason.code) {
    case 'auth-failed':
      return 'the server refused the password';
    case 'server-shutdown':
      return 'the server is shutting down';
    case 'call-ended':
      return 'the host ended the call';
    case 'name-taken':
      // Two people with the same login name (or host and connect on one machine) meet this first.
      return `the server said: ${reason.message}; choose another with --name (${reason.code})`;
    default:
      return `the server said: ${reason.message} (${reason.code})`;
  }
}

/** The end of a connection that closed with no reason given: we were leaving, it was lost, or the handshake failed. */
export function closedWithoutReason(session: { leaving: boolean; joined: boolean; tls: boolean }): CallEndedError {
  return session.leaving
    ? new CallEndedError(EndKind.LEFT, 'leave', 'left the call')
    : session.joined
      ? new CallEndedError(EndKind.NETWORK, 'connection-lost', 'the connection to the server was lost')
      : new CallEndedError(
          EndKind.NETWORK,
          'handshake-failed',
          session.tls
            ? 'the server closed the connection during the handshake'
            : 'the server closed the connection during the handshake (if it runs with --tls, connect with --tls too)',
        );
}

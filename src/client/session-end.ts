/**
 * How a session's end reads (pure): the kind (errors.ts: it decides the exit code and whether to retry) and the
 * sentence of a server's REFUSE or BYE, and the error of a connection that closed without either.
 */
import { formatHostPort } from '../net/address.js';
import { FrameType, REFUSAL_CODES, RETRY_LATER_CODES, type FrameTypeValue, type ReasonMessage } from '../protocol/index.js';
import { CallEndedError, EndKind, type EndKindValue } from './errors.js';

/**
 * A livecomm-tui server answers a HELLO at once (WELCOME, CHALLENGE or REFUSE, docs/protocol.md §4.1): a connection
 * that has brought nothing at all this long after it is held by something else, and is given up sooner than one that
 * went silent mid-handshake (HANDSHAKE_SILENCE_MS in session.ts).
 */
export const FIRST_ANSWER_MS = 5_000;

/** What to check when `hostPort` does not answer as a livecomm-tui server; `--tls` is suggested only without it. */
export function notLivecommHint(tls: boolean): string {
  return `is a livecomm-tui server listening there? another program may hold the port${tls ? '' : ', or the server may need --tls'}`;
}

/**
 * A verdict of silence this late past its deadline was held up by this process not running (a laptop asleep, a
 * stopped job), not timers merely busy: the user is told so, not only that the server went quiet.
 */
const NOTICED_LATE_MS = 3_000;

/**
 * The end of a connection the server was silent on for `silentMs`: silent from the start, or once it had spoken;
 * `lateMs`: how long past that this was noticed (Heartbeat).
 */
export function silentServer(
  target: { host: string; port: number; tls?: unknown },
  heardAnything: boolean,
  silentMs: number,
  lateMs = 0,
): CallEndedError {
  const seconds = Math.round(silentMs / 1000);
  if (heardAnything && lateMs >= NOTICED_LATE_MS) {
    // How long it could not run is not known, only that it ran `lateMs` late at least: no split is claimed.
    const total = Math.round((silentMs + lateMs) / 1000);
    return new CallEndedError(
      EndKind.NETWORK,
      'idle-timeout',
      `this program could not run for a while (the computer slept, or it was stopped), and nothing came from the server for ${total} s`,
    );
  }
  if (heardAnything) return new CallEndedError(EndKind.NETWORK, 'idle-timeout', `nothing heard from the server for ${seconds} s`);
  const hostPort = formatHostPort(target.host, target.port);
  return new CallEndedError(EndKind.NETWORK, 'no-answer', `${hostPort} accepted the connection but answered nothing within ${seconds} s: ${notLivecommHint(Boolean(target.tls))}`);
}

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

/**
 * The sentence a REFUSE or BYE is told to the user in; `passwordFrom` names where a refused password came from (a
 * stale LIVECOMM_PASSWORD left over from another call is not typed, and not asked about either).
 */
export function refusalSentence(reason: ReasonMessage, passwordFrom?: string): string {
  switch (reason.code) {
    case 'auth-failed':
      return passwordFrom === undefined ? 'the server refused the password' : `the server refused the password from ${passwordFrom}`;
    case 'server-shutdown':
      return 'the server is shutting down';
    case 'call-ended':
      return 'the host ended the call';
    case 'name-taken': {
      // Two people with the same login name (or host and connect on one machine) meet this first; so does someone
      // whose own link just dropped, until the server's idle limit lets it go (docs/protocol.md §4.1, §4.3).
      const within = reason.releaseInMs === undefined ? 15 : Math.max(1, Math.ceil(reason.releaseInMs / 1000));
      return `the server said: ${reason.message} — if that was you on a link that just dropped, the server lets it go within ${within} s; or choose another with --name (${reason.code})`;
    }
    default:
      return `the server said: ${reason.message} (${reason.code})`;
  }
}

/**
 * The end of a connection that closed with no reason given: we were leaving, it was lost, or the handshake failed.
 * A server that hangs up on our plain HELLO without a byte is most likely a TLS one (docs/protocol.md §1), but a
 * server still starting behind a proxy, or one refusing a flood silently, does the same: `closed-silently`, tried
 * again like any failed attempt, its sentence naming --tls when the attempts run out.
 */
export function closedWithoutReason(
  session: { leaving: boolean; joined: boolean; heardAnything: boolean },
  target: { host: string; port: number; tls?: unknown },
): CallEndedError {
  if (session.leaving) return new CallEndedError(EndKind.LEFT, 'leave', 'left the call');
  if (session.joined) return new CallEndedError(EndKind.NETWORK, 'connection-lost', 'the connection to the server was lost');
  if (target.tls || session.heardAnything) return new CallEndedError(EndKind.NETWORK, 'handshake-failed', 'the server closed the connection during the handshake');
  const hostPort = formatHostPort(target.host, target.port);
  return new CallEndedError(EndKind.NETWORK, 'closed-silently', `${hostPort} closed the connection during the handshake without a word: the server probably runs with --tls (connect with --tls too)`);
}

/** The end of a connection that sent bytes that are no frame: from the start, or once it had spoken (`detail`). */
export function garbledServer(target: { host: string; port: number }, heardAnything: boolean, detail: string): CallEndedError {
  // Not one frame made sense: another service on that port (a web server answers HELLO with "HTTP/1.1 400"), not a
  // livecomm-tui server sending a bad frame.
  if (heardAnything) return new CallEndedError(EndKind.NETWORK, 'malformed-frame', `the server sent a malformed frame (${detail})`);
  const hostPort = formatHostPort(target.host, target.port);
  return new CallEndedError(EndKind.NETWORK, 'not-livecomm', `${hostPort} did not answer as a livecomm-tui server (another service on that port?)`);
}

/**
 * A failed attempt to get back into a call, as told while reconnecting and when giving up: this server took our
 * HELLO, plain or TLS as we speak, moments ago, so a hang-up or silence in the handshake is no sign of the wrong kind
 * of server (the --tls and "another program" hints misled) but of one not back yet behind something that accepts the
 * connection for it: an ssh tunnel, a TCP proxy.
 */
export function reconnectAttemptError(error: CallEndedError, target: { host: string; port: number; tls?: unknown }): CallEndedError {
  const hostPort = formatHostPort(target.host, target.port);
  const notBack = 'the server is not back yet behind a tunnel or proxy that accepts for it';
  if (error.code === 'closed-silently') {
    // Or, to our TLS, it came back without --tls: a plain server hangs up on a ClientHello. (To a plain HELLO the
    // --tls hint misled more often than it helped: reliability-reconnect.test.ts.)
    const why = target.tls ? `${notBack}, or was it started again without --tls?` : `${notBack}?`;
    return new CallEndedError(error.kind, error.code, `${hostPort} closed the connection during the handshake without a word (${why})`);
  }
  if (error.code === 'no-answer') {
    return new CallEndedError(error.kind, error.code, `${hostPort} accepted the connection but answered nothing (${notBack}?)`);
  }
  return error;
}

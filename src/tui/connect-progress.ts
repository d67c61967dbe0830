import type { CallEvent, CallStatus } from '../client/call-types.js';
import { escapeTags } from './pane-view.js';

/** A connection attempt that failed, and the next one the call will make (pure: the screen passes the time in). */
export interface RetryState {
  status: 'connecting' | 'reconnecting';
  /** Why the last attempt failed, as the call said it. */
  reason: string;
  /** The next attempt, 1-based. */
  next: number;
  /** Attempts a first connection makes in all; undefined while reconnecting (that goes by time, not count). */
  of: number | undefined;
  /** When the next attempt starts, on the screen's monotonic clock (the timer the call waits on does not step). */
  at: number;
}

/** The retry a `status` event announces, or undefined for one that announces none (joined, ended, the first try). */
export function retryOf(event: Extract<CallEvent, { type: 'status' }>, now: number): RetryState | undefined {
  if ((event.status !== 'connecting' && event.status !== 'reconnecting') || event.attempt === undefined) return undefined;
  return { status: event.status, reason: event.detail ?? '', next: event.attempt + 1, of: event.attempts, at: now + (event.retryInMs ?? 0) };
}

/**
 * The chat line for a failed first-connection attempt (blessed tags): why, and that another follows. Each attempt
 * gets one, as ssh -v and Mumble's log do: a dropping firewall otherwise looks like 30 s of nothing.
 */
export function retryChatLine(retry: RetryState): string {
  const count = retry.of === undefined ? '' : ` (${retry.next} of ${retry.of})`;
  return `{yellow-fg}${escapeTags(retry.reason)} — trying again${count}{/yellow-fg}`;
}

/**
 * What the status bar adds to "● connecting…" or "● reconnecting…": `long` with the reason, `short` without, for a
 * narrow bar. Counts down to the next attempt, then names the attempt under way.
 */
export function retryStatus(retry: RetryState, now: number): { long: string; short: string } {
  const count = retry.of === undefined ? '' : ` (${retry.next} of ${retry.of})`;
  const waitMs = retry.at - now;
  const short = waitMs > 0 ? `again in ${Math.ceil(waitMs / 1000)} s${count}` : retry.of === undefined ? `attempt ${retry.next}` : `attempt ${retry.next} of ${retry.of}`;
  // The reason stays while the next attempt runs: it is what the user may fix (a port, --tls, a firewall).
  return { long: `${retry.reason} — ${short}`, short };
}

/**
 * The call's connection as the screen tells it: the state, the retry under way and the server's certificate, with
 * one chat line per outage, per failed first attempt and per certificate trusted on first use (`say`, blessed tags).
 */
export class ConnectionView {
  state: CallStatus = 'connecting';
  /** The failed attempt being retried, while (re)connecting. */
  retry: RetryState | undefined;
  fingerprint: string | undefined;
  /** This outage's chat lines were said to wait for the rejoin. */
  private saidChatWaits = false;

  constructor(
    private readonly say: (line: string) => void,
    private readonly monoMs: () => number,
    fingerprint: string | undefined,
  ) {
    this.fingerprint = fingerprint;
  }

  status(event: Extract<CallEvent, { type: 'status' }>): void {
    const before = this.state;
    this.state = event.status;
    if (event.status === 'joined') this.saidChatWaits = false;
    this.retry = retryOf(event, this.monoMs());
    // The status bar shows the retries; the chat gets one line per outage and per failed first attempt.
    if (event.status === 'reconnecting' && before !== 'reconnecting') {
      this.say(`{yellow-fg}connection lost: ${escapeTags(event.detail ?? '')}; reconnecting…{/yellow-fg}`);
    } else if (this.retry?.status === 'connecting') this.say(retryChatLine(this.retry));
  }

  trust(event: Extract<CallEvent, { type: 'trust' }>): void {
    this.fingerprint = event.trust.fingerprint;
    if (event.trust.type === 'first-use') {
      this.say(`{yellow-fg}first connection to this server: trusting its certificate ${escapeTags(event.trust.fingerprint)} from now on{/yellow-fg}`);
    }
  }

  /** A chat line was sent: away, the call keeps it for the rejoin, said once an outage or it reads as delivered. */
  chatSent(): void {
    if (this.state === 'joined' || this.saidChatWaits) return;
    this.saidChatWaits = true;
    this.say('{grey-fg}not connected: what you send here goes once the call connects{/grey-fg}');
  }

  /** What the status bar adds to the state while a retry is under way. */
  detail(): { long: string; short: string } | undefined {
    return this.retry && retryStatus(this.retry, this.monoMs());
  }
}

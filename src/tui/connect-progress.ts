import type { CallEvent } from '../client/call-types.js';
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

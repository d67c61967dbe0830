import type { WelcomeMessage } from '../protocol/index.js';
import { backoffDelayMs } from './backoff.js';
import type { CallEvent } from './call-types.js';
import type { CallEndedError } from './errors.js';
import { RECONNECT_FOR_MS, nextReconnectStep, type ReconnectPolicy, type ReconnectStep } from './reconnect.js';
import { reconnectAttemptError } from './session-end.js';

/**
 * What carries a call from one connection to the next, pure, with the time passed in: whether it was ever in, the
 * resume token of its last WELCOME, when the loss of the link was noticed and since when the server had been silent,
 * and the one wait for a silent holder of its name. It says whether to try again (nextReconnectStep), and what the
 * call tells meanwhile and once back; the call acts.
 */
export class Rejoin {
  private joinedBefore = false;
  /** From the last WELCOME: the next connection takes over our own stale session with it (docs/protocol.md §4.1). */
  private token: string | undefined;
  /** Waited once for a silent holder of our name to be let go (nextReconnectStep). */
  private waitedForName = false;
  private lostAt: number | undefined;
  /**
   * When the server was last heard from before the loss: a laptop that slept 90 s notices the dead link only when it
   * wakes, and was away the 90 s, not the 0.4 s the reconnect took. (lostAt, when it was noticed, times the retries.)
   */
  private awaySince: number | undefined;

  /** The call's limits on trying again. */
  private readonly policy: ReconnectPolicy;

  /**
   * `options`: CallOptions' limits (defaults: 3 attempts, RECONNECT_FOR_MS, backoffDelayMs); `target`: the server,
   * named in the errors of attempts to get back.
   */
  constructor(options: Partial<ReconnectPolicy>, private readonly target: { host: string; port: number; tls?: unknown }) {
    this.policy = {
      connectAttempts: options.connectAttempts ?? 3,
      reconnectForMs: options.reconnectForMs ?? RECONNECT_FOR_MS,
      backoff: options.backoff ?? backoffDelayMs,
    };
  }

  /** Whether the call ever joined. */
  get everJoined(): boolean {
    return this.joinedBefore;
  }

  /** The resume token of the last WELCOME, for the next connection to give (undefined before the first join). */
  get resumeToken(): string | undefined {
    return this.token;
  }

  /** What trying to get in is called: connecting before the first join, reconnecting after it. */
  get tryingStatus(): 'connecting' | 'reconnecting' {
    return this.joinedBefore ? 'reconnecting' : 'connecting';
  }

  /**
   * A connection joined, its WELCOME carrying `resumeToken`: whether the call was in before, and whether the server
   * kept our token (it is the one we left, not one restarted since: docs/protocol.md §4.1).
   */
  joined(resumeToken: string): { rejoined: boolean; resumed: boolean } {
    const rejoined = this.joinedBefore;
    this.joinedBefore = true;
    const resumed = rejoined && resumeToken === this.token;
    this.token = resumeToken;
    return { rejoined, resumed };
  }

  /** What the call says once back in: the room, the name, and how long it was away, from the last word heard. */
  reconnectedNotice(welcome: Pick<WelcomeMessage, 'room' | 'name'>, now: number): string {
    const away = this.awaySince === undefined ? undefined : (now - this.awaySince) / 1000;
    return `reconnected to room ${welcome.room} as ${welcome.name}${away === undefined ? '' : ` after ${away.toFixed(1)} s`}`;
  }

  /** Back in the room: the next loss is timed afresh. */
  lossOver(): void {
    this.lostAt = undefined;
    this.awaySince = undefined;
  }

  /**
   * A connection ended with `ended` at `now`, the server last heard `heardAgoMs` before. Returns the error as the call
   * tells it: once the call was in, that of an attempt to get back (reconnectAttemptError); and then the loss is timed
   * from the first connection that ended, not from each failed attempt.
   */
  lost(ended: CallEndedError, now: number, heardAgoMs: number): CallEndedError {
    if (!this.joinedBefore) return ended;
    this.lostAt ??= now;
    this.awaySince ??= now - heardAgoMs;
    return reconnectAttemptError(ended, this.target);
  }

  /** Trying starts anew at `now`: time spent finding a password was not spent trying (nothing when no loss is timed). */
  restartTrying(now: number): void {
    if (this.lostAt !== undefined) this.lostAt = now;
  }

  /** Whether and when to try again after connection `attempt` ended with `error` at `now` (`joined`: it got in). */
  nextStep(error: CallEndedError, attempt: number, joined: boolean, now: number): ReconnectStep {
    const step = nextReconnectStep(
      { error, everJoined: this.joinedBefore, attempt, joined, triedForMs: now - (this.lostAt ?? now), waitedForName: this.waitedForName },
      this.policy,
    );
    if (step.type === 'retry') this.waitedForName ||= step.waitingForName === true;
    return step;
  }

  /** The status while waiting to make the `step` retry after `error`; before the first join, with the attempts in all. */
  retryStatus(step: ReconnectStep & { type: 'retry' }, error: CallEndedError): CallEvent & { type: 'status' } {
    const attempts = this.joinedBefore ? {} : { attempts: this.policy.connectAttempts };
    return { type: 'status', status: this.tryingStatus, detail: step.detail ?? error.message, attempt: step.attempt, ...attempts, retryInMs: step.delayMs };
  }
}

import type { CallEndedError } from './errors.js';

/** Passwords a call asks for before a refusal is final, as ssh's three. */
const PASSWORDS_ASKED = 3;

/**
 * Why a password is asked for: the server wants one none was given for, it refused the one just typed, or it refuses
 * the one the call joined with (restarted with another).
 */
export type PasswordAskReason = 'needed' | 'wrong' | 'changed';

/**
 * Whether a call asks for a password instead of ending (CallOptions.askForPassword), pure: a server that wants one
 * none was given for, or refuses one that was typed here (a --password-file that is wrong stays wrong), at most
 * PASSWORDS_ASKED times between joins. The refusal waits for the answer: giving up ends the call with it.
 */
export class PasswordAsks {
  private asked = 0;
  private waiting: CallEndedError | undefined;
  /** The call joined with the password typed last: a refusal of it now means the server's changed. */
  private accepted = false;
  /** The password typed last, given by every connection from then on. */
  password: string | undefined;

  constructor(private readonly enabled: boolean) {}

  /** Why `error` (a connection's end) is asked about rather than ending the call; undefined when it is not. */
  ask(error: CallEndedError): PasswordAskReason | undefined {
    const wants = error.code === 'auth-required' || (error.code === 'auth-failed' && this.password !== undefined);
    if (!this.enabled || !wants || this.asked >= PASSWORDS_ASKED) return undefined;
    const reason = error.code === 'auth-required' ? 'needed' : this.accepted ? 'changed' : 'wrong';
    this.asked++;
    this.accepted = false;
    this.waiting = error;
    return reason;
  }

  /** The last ask was the last before a refusal is final: the box says so (ssh's three tries, counted). */
  get lastAsked(): boolean {
    return this.asked >= PASSWORDS_ASKED;
  }

  /** The call joined: the password (if one was typed) was right, and a later ask starts a count of its own. */
  joined(): void {
    this.asked = 0;
    this.accepted = this.password !== undefined;
  }

  /**
   * The answer to the last ask: `connect` with the password now kept, or `give-up` with the refusal to end on
   * (undefined: the user gave up). Nothing when no ask is waiting (answered already).
   */
  answer(password: string | undefined): { type: 'connect' } | { type: 'give-up'; error: CallEndedError } | undefined {
    const refusal = this.waiting;
    if (!refusal) return undefined;
    this.waiting = undefined;
    if (password === undefined) return { type: 'give-up', error: refusal };
    this.password = password;
    return { type: 'connect' };
  }
}

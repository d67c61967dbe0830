import type { CallEndedError } from './errors.js';

/** Passwords a call asks for before a refusal is final, as ssh's three. */
const PASSWORDS_ASKED = 3;

/**
 * Whether a call asks for a password instead of ending (CallOptions.askForPassword), pure: a server that wants one
 * none was given for, or refuses one that was typed here (a --password-file that is wrong stays wrong), at most
 * PASSWORDS_ASKED times. The refusal waits for the answer: giving up ends the call with it.
 */
export class PasswordAsks {
  private asked = 0;
  private waiting: CallEndedError | undefined;
  /** The password typed last, given by every connection from then on. */
  password: string | undefined;

  constructor(private readonly enabled: boolean) {}

  /** Whether `error` (a connection's end) is asked about rather than ending the call. */
  ask(error: CallEndedError): boolean {
    const wants = error.code === 'auth-required' || (error.code === 'auth-failed' && this.asked > 0);
    if (!this.enabled || !wants || this.asked >= PASSWORDS_ASKED) return false;
    this.asked++;
    this.waiting = error;
    return true;
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

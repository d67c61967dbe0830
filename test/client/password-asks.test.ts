import { describe, expect, it } from 'vitest';
import { CallEndedError, EndKind } from '../../src/client/errors.js';
import { PasswordAsks } from '../../src/client/password-asks.js';

const required = new CallEndedError(EndKind.REFUSED, 'auth-required', 'this server needs a password');
const failed = new CallEndedError(EndKind.REFUSED, 'auth-failed', 'wrong password for this server');

describe('PasswordAsks', () => {
  it('asks when none was given, and again after a wrong one it asked for, three times in all', () => {
    const asks = new PasswordAsks(true);
    expect(asks.ask(required)).toBe('needed');
    expect(asks.answer('one')).toEqual({ type: 'connect' });
    expect(asks.password).toBe('one');
    expect(asks.ask(failed)).toBe('wrong');
    expect(asks.answer('two')).toEqual({ type: 'connect' });
    expect(asks.ask(failed)).toBe('wrong');
    expect(asks.answer('three')).toEqual({ type: 'connect' });
    expect(asks.ask(failed)).toBeUndefined();
  });

  it('does not ask about a wrong password it was given, nor about other endings, nor when not enabled', () => {
    const asks = new PasswordAsks(true);
    expect(asks.ask(failed)).toBeUndefined();
    expect(asks.ask(new CallEndedError(EndKind.NETWORK, 'connect-failed', 'connection refused'))).toBeUndefined();
    expect(new PasswordAsks(false).ask(required)).toBeUndefined();
  });

  it('after a join with a typed password, a refusal of it is a change, with three asks of its own', () => {
    const asks = new PasswordAsks(true);
    asks.ask(required);
    asks.answer('x');
    asks.ask(failed);
    asks.answer('old');
    asks.joined();
    // The server restarted with another password.
    expect(asks.ask(failed)).toBe('changed');
    asks.answer('new?');
    expect(asks.ask(failed)).toBe('wrong');
    asks.answer('new!');
    expect(asks.ask(failed)).toBe('wrong');
    asks.answer('new.');
    expect(asks.ask(failed)).toBeUndefined();
  });

  it('gives up with the refusal that was asked about, and answers only the ask that waits', () => {
    const asks = new PasswordAsks(true);
    expect(asks.answer('early')).toBeUndefined();
    asks.ask(required);
    expect(asks.answer(undefined)).toEqual({ type: 'give-up', error: required });
    expect(asks.answer('late')).toBeUndefined();
    expect(asks.password).toBeUndefined();
  });
});

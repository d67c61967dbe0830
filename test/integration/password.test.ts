import { describe, expect, it } from 'vitest';
import { Call } from '../../src/client/call.js';
import type { CallEvent } from '../../src/client/call-types.js';
import { startServer } from '../../src/server/server.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { RecordingSession } from '../helpers/session-client.js';
import { RecordingProxy } from '../helpers/tcp-proxy.js';
import { until } from '../helpers/wait.js';

const PASSWORD = 'correct horse battery staple';
const scope = useServerPerTest();

describe('password rooms', () => {
  it('lets the right password in without the password ever crossing the wire', async () => {
    const server = await scope.start({ password: PASSWORD });
    const proxy = await RecordingProxy.start(server.port);
    scope.cleanup(() => proxy.close());
    const alice = new RecordingSession({ port: proxy.port, name: 'alice', password: PASSWORD });
    const welcome = await alice.start();
    expect(welcome.name).toBe('alice');
    alice.session.sendChat('hello');
    await alice.session.leave();
    const wire = proxy.allBytes();
    expect(wire.length).toBeGreaterThan(100);
    for (const form of [
      Buffer.from(PASSWORD, 'utf8'),
      Buffer.from(PASSWORD, 'utf16le'),
      Buffer.from(Buffer.from(PASSWORD).toString('base64')),
      Buffer.from(Buffer.from(PASSWORD).toString('hex')),
      Buffer.from('horse'),
    ]) {
      expect(wire.indexOf(form), `found ${form.toString()} on the wire`).toBe(-1);
    }
  });

  it('refuses a wrong password, and a missing one, with reasons that do not retry', async () => {
    const server = await scope.start({ password: PASSWORD });
    const wrong = new RecordingSession({ port: server.port, name: 'mallory', password: 'guess' });
    await expect(wrong.start()).rejects.toMatchObject({ kind: 'refused', code: 'auth-failed' });
    const none = new RecordingSession({ port: server.port, name: 'nobody' });
    await expect(none.start()).rejects.toMatchObject({ kind: 'refused', code: 'auth-required' });
  });

  it('rate-limits failed attempts per address, even for the right password afterwards', async () => {
    const server = await scope.start({ password: PASSWORD, maxAuthFailures: 3 });
    for (let i = 0; i < 2; i++) {
      const guess = new RecordingSession({ port: server.port, name: `m${i}`, password: `guess${i}` });
      await expect(guess.start()).rejects.toMatchObject({ code: 'auth-failed' });
    }
    // The third, which locks the address out, says so: another try would be wasted.
    const third = new RecordingSession({ port: server.port, name: 'm2', password: 'guess2' });
    const locked = await third.start().catch((err: unknown) => err);
    expect(locked).toMatchObject({ kind: 'refused', code: 'rate-limited' });
    expect(String((locked as Error).message)).toMatch(/wrong password for this server, and too many failed logins from this address: try again in 60 s/);
    const right = new RecordingSession({ port: server.port, name: 'alice', password: PASSWORD });
    const refusal = await right.start().catch((err: unknown) => err);
    expect(refusal).toMatchObject({ kind: 'refused', code: 'rate-limited' });
    expect(String((refusal as Error).message)).toMatch(/try again in \d+ s/);
  });
});

describe('a call that asks for the password (the call screen)', () => {
  /** A call to `port` as `name` that asks for passwords; its events so far. */
  function askingCall(port: number, name: string, password?: string): { call: Call; events: CallEvent[] } {
    const call = new Call({
      session: { target: { host: '127.0.0.1', port }, name, room: 'main', audioCodecs: ['pcm'], ...(password ? { password } : {}) },
      askForPassword: true,
      statsIntervalMs: 60_000,
    });
    const events: CallEvent[] = [];
    call.on((event) => events.push(event));
    scope.cleanup(() => call.leave());
    call.start();
    return { call, events };
  }
  const asks = (events: CallEvent[]): CallEvent[] => events.filter((e) => e.type === 'password-needed');

  it('asks instead of ending, again after a wrong answer, and joins with the right one', async () => {
    const server = await scope.start({ password: PASSWORD });
    const { call, events } = askingCall(server.port, 'alice');
    await until(() => asks(events).length === 1, 'the first ask');
    expect(asks(events)[0]).toEqual({ type: 'password-needed', why: 'needed', lastTry: false });
    call.answerPassword('guess');
    await until(() => asks(events).length === 2, 'the ask after a wrong one');
    expect(asks(events)[1]).toEqual({ type: 'password-needed', why: 'wrong', lastTry: false });
    call.answerPassword(PASSWORD);
    await until(() => events.some((e) => e.type === 'joined'), 'the join');
    expect(events.some((e) => e.type === 'ended')).toBe(false);
  });

  it('ends with the refusal when the user gives up, and after three wrong answers', async () => {
    const server = await scope.start({ password: PASSWORD });
    const givesUp = askingCall(server.port, 'alice');
    await until(() => asks(givesUp.events).length === 1, 'the ask');
    givesUp.call.answerPassword(undefined);
    await until(() => givesUp.events.some((e) => e.type === 'ended'), 'the end');
    expect(givesUp.events.find((e) => e.type === 'ended')).toMatchObject({ error: { code: 'auth-required' } });

    const guesses = askingCall(server.port, 'bob');
    for (let asked = 1; asked <= 3; asked++) {
      await until(() => asks(guesses.events).length === asked, `ask ${asked}`);
      guesses.call.answerPassword(`guess ${asked}`);
    }
    await until(() => guesses.events.some((e) => e.type === 'ended'), 'the end');
    expect(asks(guesses.events)).toHaveLength(3);
    // The third is said to be the last (the box shows it): the second refusal looked like the first.
    expect(asks(guesses.events).map((e) => e.type === 'password-needed' && e.lastTry)).toEqual([false, false, true]);
    expect(guesses.events.find((e) => e.type === 'ended')).toMatchObject({ error: { code: 'auth-failed' } });
  });

  it('asks again, saying it changed, when the server comes back with another password after the join', async () => {
    const first = await startServer({ host: '127.0.0.1', port: 0, password: PASSWORD });
    const port = first.port;
    const call = new Call({
      session: { target: { host: '127.0.0.1', port }, name: 'alice', room: 'main', audioCodecs: ['pcm'] },
      askForPassword: true,
      statsIntervalMs: 60_000,
      backoff: () => 100,
    });
    const events: CallEvent[] = [];
    call.on((event) => events.push(event));
    scope.cleanup(() => call.leave());
    call.start();
    await until(() => asks(events).length === 1, 'the ask');
    call.answerPassword(PASSWORD);
    await until(() => events.some((e) => e.type === 'joined'), 'the join');
    await first.close();
    const second = await startServer({ host: '127.0.0.1', port, password: 'a new one' });
    scope.cleanup(() => second.close());
    await until(() => asks(events).length === 2, 'the ask after the restart', 10_000);
    expect(asks(events)[1]).toEqual({ type: 'password-needed', why: 'changed', lastTry: false });
    call.answerPassword('a new one');
    await until(() => events.filter((e) => e.type === 'joined').length === 2, 'back in');
  });

  it('counts the time spent typing the new password as time away, not as time trying: a lost attempt after it is retried', async () => {
    const first = await startServer({ host: '127.0.0.1', port: 0 });
    const port = first.port;
    const call = new Call({
      session: { target: { host: '127.0.0.1', port }, name: 'alice', room: 'main', audioCodecs: ['pcm'] },
      askForPassword: true,
      statsIntervalMs: 60_000,
      reconnectForMs: 1000,
      backoff: () => 50,
    });
    const events: CallEvent[] = [];
    call.on((event) => events.push(event));
    scope.cleanup(() => call.leave());
    call.start();
    await until(() => events.some((e) => e.type === 'joined'), 'the join');
    await first.close();
    const second = await startServer({ host: '127.0.0.1', port, password: PASSWORD });
    await until(() => asks(events).length === 1, 'the ask after the restart', 10_000);
    // The user takes longer to find the password than the call keeps trying for; the server restarts meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await second.close();
    const answeredAt = events.length;
    call.answerPassword(PASSWORD);
    const after = await until(() => events.slice(answeredAt).find((e) => e.type === 'ended' || (e.type === 'status' && e.retryInMs !== undefined)), 'a retry or the end');
    expect(after.type).toBe('status');
    const third = await startServer({ host: '127.0.0.1', port, password: PASSWORD });
    scope.cleanup(() => third.close());
    await until(() => events.filter((e) => e.type === 'joined').length === 2, 'back in');
  });

  it('does not ask again when a password it was given (--password-file) is wrong', async () => {
    const server = await scope.start({ password: PASSWORD });
    const { events } = askingCall(server.port, 'alice', 'from a file');
    await until(() => events.some((e) => e.type === 'ended'), 'the end');
    expect(asks(events)).toEqual([]);
    expect(events.find((e) => e.type === 'ended')).toMatchObject({ error: { code: 'auth-failed' } });
  });
});

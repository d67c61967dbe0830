import { describe, expect, it } from 'vitest';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { RecordingSession } from '../helpers/session-client.js';
import { RecordingProxy } from '../helpers/tcp-proxy.js';

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
    for (let i = 0; i < 3; i++) {
      const guess = new RecordingSession({ port: server.port, name: `m${i}`, password: `guess${i}` });
      await expect(guess.start()).rejects.toMatchObject({ code: 'auth-failed' });
    }
    const right = new RecordingSession({ port: server.port, name: 'alice', password: PASSWORD });
    const refusal = await right.start().catch((err: unknown) => err);
    expect(refusal).toMatchObject({ kind: 'refused', code: 'rate-limited' });
    expect(String((refusal as Error).message)).toMatch(/try again in \d+ s/);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/client/backoff.js';
import { Call } from '../../src/client/call.js';
import type { CallEvent } from '../../src/client/call-types.js';
import { Recorder } from '../../src/client/recorder.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server.js';
import { useCliWorkspace, type CliProcess } from '../helpers/cli-process.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { until } from '../helpers/wait.js';
import { RawClient } from '../helpers/raw-client.js';
import { FrameType } from '../../src/protocol/index.js';
import { freePort } from '../helpers/ports.js';

/** Reconnect (SPEC §4): the server dies and comes back, the path resets, the password is wrong. */
const workspace = useCliWorkspace('lc-reconnect-');
const calls: Call[] = [];

/** What the test started that closes after its calls have left, newest first (a proxy before the server behind it). */
const closers: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  await Promise.all(calls.splice(0).map((c) => c.leave()));
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  workspace.killAll();
});

/** An in-process server on a free loopback port, closed after the test. */
async function inProcessServer(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const running = await startServer({ host: '127.0.0.1', port: 0, ...options });
  closers.push(() => running.close());
  return running;
}

/** A FaultProxy in front of `port`, closed after the test. */
async function proxyTo(port: number): Promise<FaultProxy> {
  const proxy = await FaultProxy.start(port);
  closers.push(() => proxy.close());
  return proxy;
}

/** A server and a FaultProxy in front of it, for links that fail; both closed after the test. */
async function proxiedServer(options: Partial<ServerOptions> = {}): Promise<{ server: RunningServer; proxy: FaultProxy }> {
  const running = await inProcessServer(options);
  return { server: running, proxy: await proxyTo(running.port) };
}

/** A Call without media that records its events. */
function startCall(port: number, name: string, extra: Partial<ConstructorParameters<typeof Call>[0]> = {}) {
  const events: CallEvent[] = [];
  const call = new Call({ session: { target: { host: '127.0.0.1', port }, name, room: 'main', audioCodecs: ['pcm'] }, statsIntervalMs: 60_000, ...extra });
  call.on((e) => events.push(e));
  call.start();
  calls.push(call);
  return { call, events };
}

function serve(port: number): CliProcess {
  return workspace.start(['serve', '--bind', '127.0.0.1', '--port', String(port)]);
}


/** A session joining room main on `port` as `name` with `password`. */
function passwordSession(port: number, name: string, password: string) {
  return { target: { host: '127.0.0.1', port }, name, room: 'main', password, audioCodecs: ['pcm'] };
}

/** Three wrong passwords from this address, each refused before the next: enough to lock it out (maxAuthFailures 3). */
async function guessThreeTimes(port: number): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const guess = startCall(port, `m${i}`, { session: passwordSession(port, `m${i}`, `guess${i}`), backoff: () => 0 });
    await until(() => guess.events.some((e) => e.type === 'ended'), 'the guess to be refused');
  }
}

const joinedCount = (events: CallEvent[]) => events.filter((e) => e.type === 'joined').length;

describe('reconnect', () => {
  it('brings every client back into the room within 5 s of a kill -9 and restart of `serve`, same names, same room', async () => {
    const port = await freePort();
    let server = serve(port);
    await server.waitForOutput(/listening on/);
    // Three in-process participants and one real headless process, all with the default backoff (0.5 s → 30 s, full
    // jitter): what users get.
    const clients = ['alice', 'bob', 'carol'].map((name) => ({ name, ...startCall(port, name) }));
    const dave = workspace.start(['connect', `127.0.0.1:${port}`, '--name', 'dave', '--headless', '--video', 'none', '--audio', 'none']);
    await dave.waitForEvent((e) => e.type === 'joined');
    for (const c of clients) await until(() => c.call.participants.length === 3, `${c.name} to see the three others`, 5000);

    server.kill(); // SIGKILL: no goodbye, the kernel just closes the sockets
    await server.exited;
    for (const c of clients) await until(() => c.events.some((e) => e.type === 'status' && e.status === 'reconnecting'), `${c.name} to say reconnecting`);
    await dave.waitForEvent((e) => e.type === 'status' && e.status === 'reconnecting');

    server = serve(port);
    await server.waitForOutput(/listening on/);
    const restartedAt = Date.now();
    await Promise.all([
      ...clients.map((c) => until(() => joinedCount(c.events) === 2 && c.call.participants.length === 3, `${c.name} back with everyone`, 6000)),
      dave.waitForEvent((e) => e.type === 'joined' && e.rejoined === true, 6000),
    ]);
    const backWithin = Date.now() - restartedAt;
    expect(backWithin).toBeLessThan(5000);

    for (const c of clients) {
      const rejoin = c.events.filter((e): e is Extract<CallEvent, { type: 'joined' }> => e.type === 'joined')[1]!;
      expect(rejoin).toMatchObject({ rejoined: true, welcome: { name: c.name, room: 'main' } });
      expect(c.events.some((e) => e.type === 'notice' && /^reconnected to room main as /.test(e.message))).toBe(true);
      expect(c.call.participants.map((p) => p.name).sort()).toEqual(['alice', 'bob', 'carol', 'dave'].filter((n) => n !== c.name));
    }
    const status = await dave.waitForEvent((e) => e.type === 'status');
    expect(status).toMatchObject({ status: 'reconnecting' });
    await dave.waitForEvent((e) => e.type === 'status' && e.status === 'reconnected');
    dave.signal('SIGINT');
    expect(await dave.exited).toBe(0);
  });

  it('reconnects through a path that was reset (RST) mid-call, and tells its listeners', async () => {
    const { server, proxy } = await proxiedServer();
    const fast = (n: number) => backoffDelayMs(n, 100, 1000);
    const alice = startCall(proxy.port, 'alice', { backoff: fast });
    const bob = startCall(server.port, 'bob', { backoff: fast });
    await until(() => alice.call.participants.length === 1 && bob.call.participants.length === 1, 'both to see each other');
    proxy.reset();
    await until(() => joinedCount(alice.events) === 2, 'alice to rejoin', 5000);
    const statuses = alice.events.filter((e): e is Extract<CallEvent, { type: 'status' }> => e.type === 'status').map((e) => e.status);
    expect(statuses).toEqual(['connecting', 'joined', 'reconnecting', 'joined']);
    await until(() => alice.call.participants.some((p) => p.name === 'bob'), 'alice to see bob again');
    // Bob saw alice's old connection leave and alice come back under the same name (joins: first, and again).
    await until(() => bob.events.filter((e) => e.type === 'participant-joined' && e.participant.name === 'alice').length === 2, 'bob to see alice back');
    expect(bob.events.some((e) => e.type === 'participant-left' && e.name === 'alice')).toBe(true);
  });

  it('a rejoin whose HELLO waited in a stalled path keeps the estimate of the server clock it had', async () => {
    const { proxy } = await proxiedServer();
    const alice = startCall(proxy.port, 'alice', { backoff: (n: number) => backoffDelayMs(n, 100, 1000) });
    await until(() => joinedCount(alice.events) === 1, 'alice to join');
    // Her new connection's HELLO waits 2.5 s in the path: its WELCOME says little of where the server's clock is.
    proxy.setMode('stall');
    proxy.reset();
    await until(() => alice.events.some((e) => e.type === 'status' && e.status === 'reconnecting'), 'alice to reconnect');
    await new Promise((r) => setTimeout(r, 2500));
    proxy.setMode('normal');
    await until(() => joinedCount(alice.events) === 2, 'alice to rejoin', 5000);
    // One machine, one clock: taken from that WELCOME, the server's would be ~1.25 s ahead (half its round trip).
    expect(Math.abs(alice.call.serverWallMs() - Date.now())).toBeLessThan(50);
  });

  it('says how long it was away from the last word of the server, not from when the dead link was noticed', async () => {
    const { proxy } = await proxiedServer({ pingIntervalMs: 500, idleTimeoutMs: 1000 });
    const alice = startCall(proxy.port, 'alice', { backoff: () => 0 });
    await until(() => joinedCount(alice.events) === 1, 'alice to join');
    // The path goes silent (a laptop asleep, a dead NAT mapping): noticed only after the client's 2 s idle limit.
    proxy.setMode('freeze');
    const frozenAt = Date.now();
    await until(() => alice.events.some((e) => e.type === 'status' && e.status === 'reconnecting'), 'alice to notice', 6000);
    // The path is back; an attempt whose HELLO the frozen path swallowed is cut, so the next goes at once.
    proxy.setMode('normal');
    proxy.reset();
    await until(() => joinedCount(alice.events) === 2, 'alice to rejoin', 20_000);
    const awayMs = Date.now() - frozenAt;
    const notice = alice.events.find((e): e is Extract<CallEvent, { type: 'notice' }> => e.type === 'notice' && e.message.startsWith('reconnected'));
    const said = Number(/after ([\d.]+) s$/.exec(notice!.message)![1]) * 1000;
    // From the freeze (give or take the last ping before it), not from the notice a second or two after it.
    expect(said).toBeGreaterThan(awayMs - 700);
    expect(said).toBeLessThanOrEqual(awayMs + 100);
  });

  it('brings a participant back after a dropped link though failed logins from its address locked it out; newcomers stay out', async () => {
    const { server, proxy } = await proxiedServer({ password: 'right', maxAuthFailures: 3 });
    const alice = startCall(proxy.port, 'alice', { session: passwordSession(proxy.port, 'alice', 'right'), backoff: () => 200 });
    await until(() => joinedCount(alice.events) === 1, 'alice to join');
    // Someone else behind the same address guesses three times: the address is locked out for a minute.
    await guessThreeTimes(server.port);
    proxy.reset();
    await until(() => joinedCount(alice.events) === 2, 'alice to rejoin', 5000);
    expect(alice.events.some((e) => e.type === 'ended')).toBe(false);
    const newcomer = startCall(server.port, 'bob', { session: passwordSession(server.port, 'bob', 'right'), backoff: () => 0 });
    await until(() => newcomer.events.some((e) => e.type === 'ended'), 'bob to be refused');
    expect(newcomer.events.find((e) => e.type === 'ended')).toMatchObject({ error: { code: 'rate-limited' } });
  });

  it('coming back to a restarted server while failed logins from its address lock it out, waits the lock out and rejoins', async () => {
    const first = await inProcessServer({ password: 'right' });
    // The restarted server knows no resume token, and others behind the address have just guessed 3 times.
    const restarted = await inProcessServer({ password: 'right', maxAuthFailures: 3, authFailureWindowMs: 3000 });
    const proxy = await proxyTo(first.port);
    const alice = startCall(proxy.port, 'alice', { session: passwordSession(proxy.port, 'alice', 'right'), backoff: () => 200 });
    await until(() => joinedCount(alice.events) === 1, 'alice to join');
    await guessThreeTimes(restarted.port);
    proxy.targetPort = restarted.port;
    await first.close();
    await until(() => joinedCount(alice.events) === 2, 'alice to rejoin once the lock is over', 8000);
    expect(alice.events.some((e) => e.type === 'ended')).toBe(false);
    expect(alice.events.some((e) => e.type === 'status' && e.status === 'reconnecting' && /too many failed logins/.test(String(e.detail)))).toBe(true);
  });

  it('keeps trying to get back for a time, not a number of attempts, and then says how long it tried', async () => {
    const server = await inProcessServer();
    const alice = startCall(server.port, 'alice', { reconnectForMs: 1500, backoff: () => 100 });
    await until(() => joinedCount(alice.events) === 1, 'alice to join');
    const lostAt = Date.now();
    await server.close();
    await until(() => alice.events.some((e) => e.type === 'ended'), 'alice to give up', 5000);
    const triedForMs = Date.now() - lostAt;
    expect(triedForMs).toBeGreaterThanOrEqual(1400);
    expect(triedForMs).toBeLessThan(3000);
    const attempts = alice.events.filter((e) => e.type === 'status' && e.status === 'reconnecting').length;
    expect(attempts).toBeGreaterThan(5);
    const ended = alice.events.find((e): e is Extract<CallEvent, { type: 'ended' }> => e.type === 'ended')!;
    expect(ended.error.message).toMatch(/gave up after 2 s of trying$/);
  });

  it('after a rejoin, passes on (and records) the chat said while it was away, once, and nothing it had seen; no stale RTT while away', async () => {
    const { server, proxy } = await proxiedServer();
    const dir = mkdtempSync(join(tmpdir(), 'lc-catch-up-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const recorder = new Recorder({ dir });
    // A fixed second before each retry: time for bob to talk while alice is away.
    const alice = startCall(proxy.port, 'alice', { backoff: () => 1000, recorder, statsIntervalMs: 100 });
    const bob = startCall(server.port, 'bob');
    await until(() => alice.call.participants.length === 1 && bob.call.participants.length === 1, 'both to see each other');
    bob.call.sendChat('seen live');
    await until(() => alice.events.some((e) => e.type === 'chat'), 'alice to see the first line');
    const statsRtt = (): Array<number | null> => alice.events.flatMap((e) => (e.type === 'stats' ? [e.stats.rttMs] : []));
    await until(() => statsRtt().some((rtt) => rtt !== null), 'a round trip measured');
    proxy.reset();
    await until(() => bob.events.some((e) => e.type === 'participant-left' && e.name === 'alice'), 'the server to see alice gone');
    // While away, no round trip of a connection that is gone.
    const lost = alice.events.findIndex((e) => e.type === 'status' && e.status === 'reconnecting');
    await until(() => alice.events.slice(lost).some((e) => e.type === 'stats'), 'stats while reconnecting');
    expect(alice.events.slice(lost).find((e) => e.type === 'stats')).toMatchObject({ stats: { rttMs: null } });
    bob.call.sendChat('said during the outage');
    await until(() => joinedCount(alice.events) === 2, 'alice to rejoin', 5000);
    const texts = alice.events.flatMap((e) => (e.type === 'chat' ? [e.entry.text] : []));
    expect(texts).toEqual(['seen live', 'said during the outage']);
    recorder.close();
    const recorded = readFileSync(join(dir, 'chat.jsonl'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { text: string }).text);
    expect(recorded).toEqual(['seen live', 'said during the outage']);
  });

  it('sends again, once, a chat line written into a link that had died unnoticed (it went nowhere)', async () => {
    const { server, proxy } = await proxiedServer({ idleTimeoutMs: 2000, pingIntervalMs: 500 });
    const alice = startCall(proxy.port, 'alice', { backoff: () => 200 });
    const bob = startCall(server.port, 'bob');
    await until(() => alice.call.participants.length === 1 && bob.call.participants.length === 1, 'both to see each other');
    bob.call.sendChat('before');
    alice.call.sendChat('also before');
    await until(() => alice.events.some((e) => e.type === 'chat') && bob.events.some((e) => e.type === 'chat'), 'the first lines');
    // The link vanishes without a word; alice writes before either side has noticed.
    proxy.mode = 'freeze';
    alice.call.sendChat('typed into the dead link');
    await until(() => alice.events.some((e) => e.type === 'status' && e.status === 'reconnecting'), 'alice to notice', 8000);
    proxy.mode = 'normal';
    await until(() => joinedCount(alice.events) === 2, 'alice to rejoin', 8000);
    await until(() => bob.events.some((e) => e.type === 'chat' && e.entry.text === 'typed into the dead link'), 'the line to arrive', 5000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fromAlice = bob.events.flatMap((e) => (e.type === 'chat' && e.entry.from === 'alice' ? [e.entry.text] : []));
    expect(fromAlice).toEqual(['also before', 'typed into the dead link']);
    // What was missed comes in after the rejoin is told, not before it.
    const rejoinedAt = alice.events.findIndex((e) => e.type === 'joined' && e.rejoined);
    expect(alice.events.slice(0, rejoinedAt).filter((e) => e.type === 'chat')).toHaveLength(1);
  });

  it('sends again a first chat line written into a dead link, though no line had been said before it', async () => {
    const { server, proxy } = await proxiedServer({ idleTimeoutMs: 2000, pingIntervalMs: 500 });
    const alice = startCall(proxy.port, 'alice', { backoff: () => 200 });
    const bob = startCall(server.port, 'bob');
    await until(() => alice.call.participants.length === 1 && bob.call.participants.length === 1, 'both to see each other');
    // Alice's very first line goes into a link that has just vanished: the room's history has nothing of hers,
    // nothing she saw; only the server taking her token back says it is the room she left.
    proxy.mode = 'freeze';
    alice.call.sendChat('hello, can you hear me?');
    await until(() => alice.events.some((e) => e.type === 'status' && e.status === 'reconnecting'), 'alice to notice', 8000);
    proxy.mode = 'normal';
    await until(() => joinedCount(alice.events) === 2, 'alice to rejoin', 8000);
    await until(() => bob.events.some((e) => e.type === 'chat'), 'the line to arrive', 3000);
    expect(bob.events.flatMap((e) => (e.type === 'chat' ? [e.entry.text] : []))).toEqual(['hello, can you hear me?']);
  });

  it('when the server never comes back, names the chat line written into the dead link as perhaps lost, not the ones answered', async () => {
    const { server, proxy } = await proxiedServer({ idleTimeoutMs: 2000, pingIntervalMs: 500 });
    const alice = startCall(proxy.port, 'alice', { reconnectForMs: 1500, backoff: () => 100 });
    await until(() => joinedCount(alice.events) === 1, 'alice to join');
    alice.call.sendChat('answered');
    await until(() => alice.call.chatUnconfirmed.length === 0, 'a ping answered after the first line', 3000);
    proxy.mode = 'freeze';
    alice.call.sendChat('into the dead link');
    await until(() => alice.events.some((e) => e.type === 'status' && e.status === 'reconnecting'), 'alice to notice', 8000);
    // The path works again, to a server that is gone for good.
    await server.close();
    proxy.mode = 'normal';
    await until(() => alice.events.some((e) => e.type === 'ended'), 'alice to give up', 8000);
    expect(alice.call.chatUnconfirmed).toEqual(['into the dead link']);
    expect(alice.call.chatUnsent).toEqual([]);
  });

  it('behind a tunnel or proxy whose server is down, says the server is not back yet, not that it probably runs with --tls', async () => {
    // Something that accepts for the server (ssh -L, a TCP proxy) and hangs up when it cannot reach it.
    const { server, proxy } = await proxiedServer();
    const alice = startCall(proxy.port, 'alice', { backoff: () => 100, reconnectForMs: 1000 });
    await until(() => joinedCount(alice.events) === 1, 'alice to join');
    await server.close();
    await until(() => alice.events.some((e) => e.type === 'ended'), 'alice to give up', 5000);
    const said = alice.events.flatMap((e) => (e.type === 'status' && e.status === 'reconnecting' && e.detail ? [e.detail] : e.type === 'ended' ? [e.error.message] : []));
    expect(said.some((line) => /closed the connection during the handshake without a word \(the server is not back yet behind a tunnel or proxy/.test(line))).toBe(true);
    expect(said.filter((line) => /--tls|another program/.test(line))).toEqual([]);
  });

  it('never retries a refused join: a wrong password ends the call at once, with one connection attempt', async () => {
    let connections = 0;
    const server = await inProcessServer({
      password: 'sesame',
      logger: { log: (_l, event) => { if (event === 'connection') connections++; } },
    });
    const { events } = startCall(server.port, 'alice', { session: { target: { host: '127.0.0.1', port: server.port }, name: 'alice', room: 'main', password: 'wrong' }, backoff: () => 0 });
    await until(() => events.some((e) => e.type === 'ended'), 'the call to end');
    const ended = events.find((e): e is Extract<CallEvent, { type: 'ended' }> => e.type === 'ended')!;
    expect(ended.error).toMatchObject({ kind: 'refused', code: 'auth-failed' });
    expect(events.some((e) => e.type === 'status' && (e.status === 'reconnecting' || e.attempt !== undefined))).toBe(false);
    expect(connections).toBe(1);
  });

  it('waits once for its own silent, dropped session to be let go instead of refusing its name; a live holder is refused at once', async () => {
    // Short limits: pings every 0.5 s, silence dropped after 4 s. A holder silent past a ping and the 2 s grace is taken
    // for gone quiet.
    const server = await inProcessServer({ pingIntervalMs: 500, idleTimeoutMs: 4000 });
    // A member that joined and went silent (it never answers the server's pings): a frozen or cut-off client.
    const stale = await RawClient.connect(server.port);
    stale.hello('dave');
    await stale.waitFor((f) => f.type === FrameType.WELCOME);
    await new Promise((resolve) => setTimeout(resolve, 2_800));
    const again = startCall(server.port, 'dave');
    await until(() => again.events.some((e) => e.type === 'joined'), 'dave back in', 8_000);
    const waiting = again.events.find((e) => e.type === 'status' && e.status === 'connecting' && e.attempt !== undefined);
    expect(waiting).toMatchObject({ type: 'status', attempt: 0, attempts: 3 });
    expect(waiting?.type === 'status' && waiting.detail).toMatch(/^the name is held by a connection the server has not heard from lately .*: waiting \d s for it to be let go$/);
    stale.destroy();

    // A holder that answers its pings is someone else: refused at once, with what to do.
    const other = startCall(server.port, 'dave');
    await until(() => other.events.some((e) => e.type === 'ended'), 'the refusal', 3_000);
    const ended = other.events.find((e) => e.type === 'ended');
    expect(ended?.type === 'ended' && ended.error.code).toBe('name-taken');
    expect(ended?.type === 'ended' && ended.error.message).toBe(
      'the server said: the name "dave" is already taken in room "main" — if that was you on a link that just dropped, the server lets it go within 15 s; or choose another with --name (name-taken)',
    );
    expect(other.events.some((e) => e.type === 'status' && e.attempt !== undefined)).toBe(false);
  });
});

import { backoffDelayMs } from '../../src/client/backoff.js';
import { Call } from '../../src/client/call.js';
import type { CallEvent } from '../../src/client/call-types.js';
import type { Session } from '../../src/client/session.js';
import { createToneSource } from '../../src/media/audio/tone.js';
import { createPatternSource } from '../../src/media/video/pattern.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server.js';
import { FaultProxy } from './fault-proxy.js';
import { rng } from './rng.js';

/**
 * Seeded network-fault rounds: real Calls (in-process, tone audio sent continuously) each behind its own FaultProxy,
 * a real server over loopback, and random faults on one link at a time (delay and jitter, a rate limit, bytes split at
 * every boundary, a stall, a black hole, a half-open path, a cut mid-frame) or a server restart, while everyone chats.
 * The invariants are checked as the round goes (RoundReport.violations) and once the links are all back.
 */

export interface NetFuzzOptions {
  seed: number;
  clients: number;
  /** Fault episodes, one after the other. */
  episodes: number;
  /** Allow a server restart among the episodes. */
  restart: boolean;
}

export interface RoundReport {
  violations: string[];
  faults: string[];
}

/** Server timing for the round (short, so a dead link is noticed within a round): docs/protocol.md §4.3. */
const PING_MS = 1000;
const IDLE_MS = 2000;
/** The client's idle limit: the larger of the idle timeout and two ping intervals (§4.3). */
const CLIENT_IDLE_MS = Math.max(IDLE_MS, 2 * PING_MS);
/** Timer slack allowed past a documented limit (2 cores, many timers). */
const SLACK_MS = 1000;
/** Backoff of the round's clients: the documented shape, scaled down (0.1 s doubling to 1 s). */
const backoff = (n: number): number => backoffDelayMs(n, 100, 1000);
/** A rejoin once the link is back: the longest backoff, a handshake, and slack. */
const REJOIN_MS = 1000 + IDLE_MS + SLACK_MS;
/**
 * Most bytes one peer's outbound queue may hold at the server: control and chat up to the 1 MiB cap (§5), audio at
 * most 10 frames per sender, the newest video per sender.
 */
const SERVER_QUEUE_LIMIT = 1024 * 1024 + 64 * 1024;
/** Most bytes a client's uplink may hold (socket buffer and queue): the 64 KiB socket mark plus queued audio and chat. */
const CLIENT_QUEUE_LIMIT = 512 * 1024;
/** The server's slow-consumer limit for the round (§5: no progress for this long while data waits). */
const STALL_TIMEOUT_MS = 3000;

interface Client {
  index: number;
  name: string;
  call: Call;
  proxy: FaultProxy;
  events: CallEvent[];
  /** Audio frames received, by sender name. */
  audioFrom: Map<string, number>;
  /** Video frames received (decoded), by sender name. */
  videoFrom: Map<string, number>;
  sent: string[];
  /** Chat lines received, by sender name, in order. */
  chatFrom: Map<string, string[]>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

function sessionOf(call: Call): Session | undefined {
  return (call as unknown as { session: Session | undefined }).session;
}

const joinedCount = (c: Client): number => c.events.filter((e) => e.type === 'joined').length;
const isReconnecting = (e: CallEvent): boolean => e.type === 'status' && e.status === 'reconnecting';

/** Each other client's name exactly once in `c`'s participant list. */
function seesEveryone(c: Client, all: Client[]): boolean {
  const names = c.call.participants.map((p) => p.name).sort();
  const others = all.filter((o) => o !== c).map((o) => o.name).sort();
  return c.call.self.id !== 0 && sessionOf(c.call)?.status === 'joined' && JSON.stringify(names) === JSON.stringify(others);
}

export async function runNetFuzzRound(options: NetFuzzOptions): Promise<RoundReport> {
  const random = rng(options.seed);
  const violations: string[] = [];
  const faults: string[] = [];
  const serverOptions: ServerOptions = {
    host: '127.0.0.1', port: 0, pingIntervalMs: PING_MS, idleTimeoutMs: IDLE_MS, stallTimeoutMs: STALL_TIMEOUT_MS,
    logger: { log: (level, event, fields) => { if (level === 'error') violations.push(`server error ${event} ${JSON.stringify(fields)}`); } },
  };
  let server: RunningServer = await startServer(serverOptions);
  const port = server.port;
  const clients: Client[] = [];
  const crash = (err: unknown): void => void violations.push(`uncaught: ${(err as Error)?.stack ?? String(err)}`);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  let sampling: NodeJS.Timeout | undefined;
  let chatting: NodeJS.Timeout | undefined;
  try {
    for (let index = 0; index < options.clients; index++) {
      const proxy = await FaultProxy.start(port);
      proxy.random = rng(options.seed * 131 + index);
      proxy.freezeForGood = true;
      const c: Client = {
        index, name: `p${index}`, proxy, events: [], audioFrom: new Map(), videoFrom: new Map(), sent: [], chatFrom: new Map(),
        call: undefined as unknown as Call,
      };
      c.call = new Call({
        session: { target: { host: '127.0.0.1', port: proxy.port }, name: c.name, room: 'main', audioCodecs: ['pcm'] },
        audio: createToneSource(300 + 100 * index),
        // One camera in the room: video queues, the newest-frame rule and the ladder are on the path too.
        ...(index === 0 ? { video: createPatternSource({ width: 160, height: 120, fps: 15 }, { name: `p${index}` }) } : {}),
        transmit: 'continuous',
        onRemoteAudio: (id) => {
          const from = c.call.participants.find((p) => p.id === id)?.name ?? '?';
          c.audioFrom.set(from, (c.audioFrom.get(from) ?? 0) + 1);
        },
        statsIntervalMs: 60_000,
        backoff,
      });
      c.call.on((e) => {
        c.events.push(e);
        if (e.type === 'video') {
          const from = c.call.participants.find((p) => p.id === e.id)?.name ?? '?';
          c.videoFrom.set(from, (c.videoFrom.get(from) ?? 0) + 1);
        }
        if (e.type === 'chat') c.chatFrom.set(e.entry.from, [...(c.chatFrom.get(e.entry.from) ?? []), e.entry.text]);
      });
      clients.push(c);
    }
    for (const c of clients) c.call.start();
    if (!(await waitFor(() => clients.every((c) => seesEveryone(c, clients)), 10_000))) {
      violations.push('the room never formed');
      return { violations, faults };
    }

    // Bounded memory: every peer's queue at the server and every client's uplink, sampled all round.
    sampling = setInterval(() => {
      for (const peer of server.peerStats()) {
        if (peer.queue.queuedBytes > SERVER_QUEUE_LIMIT) violations.push(`server queue for ${peer.name} at ${peer.queue.queuedBytes} B`);
      }
      for (const c of clients) {
        const buffered = sessionOf(c.call)?.bufferedAmount ?? 0;
        if (buffered > CLIENT_QUEUE_LIMIT) violations.push(`${c.name} uplink holds ${buffered} B`);
      }
    }, 100);
    // Chat: each client writes a numbered line now and then, whatever its link does.
    const chatRandom = rng(options.seed * 7 + 3);
    chatting = setInterval(() => {
      const c = clients[Math.floor(chatRandom() * clients.length)]!;
      // Now and then a paste of many lines: the room's history (50 lines) turns over within one outage.
      const lines = chatRandom() < 0.05 ? 12 : 1;
      for (let n = 0; n < lines; n++) {
        const text = `${c.name}#${c.sent.length}`;
        c.sent.push(text);
        c.call.sendChat(text);
      }
    }, 250);

    let restarted = false;
    for (let episode = 0; episode < options.episodes; episode++) {
      const victim = clients[Math.floor(random() * clients.length)]!;
      const others = clients.filter((c) => c !== victim);
      const kinds = ['shape', 'split', 'stall', 'long-stall', 'freeze', 'half-open-down', 'half-open-up', 'cut-down', 'cut-up', ...(options.restart && !restarted ? ['restart'] : [])];
      const kind = kinds[Math.floor(random() * kinds.length)]!;
      const durationMs = kind === 'long-stall' ? STALL_TIMEOUT_MS + Math.floor(random() * 2000) : 500 + Math.floor(random() * 2500);
      faults.push(`${kind} ${victim.name} ${durationMs} ms`);
      const joinsBefore = joinedCount(victim);
      const reconnectsBefore = victim.events.filter(isReconnecting).length;
      const audioBefore = others.map((c) => new Map(c.audioFrom));
      const videoBefore = others.map((c) => c.videoFrom.get('p0') ?? 0);
      // Congestion from an earlier episode may have paused p0's video (the ladder, docs/protocol.md §5.2).
      const videoFlowing = (clients[0]!.call as unknown as { outgoing: { videoSendState: { step: number } } }).outgoing.videoSendState.step === 0;
      const at = Date.now();
      switch (kind) {
        case 'shape':
        case 'split': {
          const shape = kind === 'split'
            ? { splitBytes: 1 + Math.floor(random() * 64) }
            : { delayMs: Math.floor(random() * 150), jitterMs: Math.floor(random() * 60), rateBytesPerSec: random() < 0.5 ? undefined : 20_000 + Math.floor(random() * 200_000) };
          victim.proxy.shapes = { toServer: { ...shape }, toClient: { ...shape } };
          await sleep(durationMs);
          victim.proxy.shapes = { toServer: {}, toClient: {} };
          break;
        }
        case 'stall':
        case 'long-stall':
        case 'freeze':
          victim.proxy.setMode(kind === 'long-stall' ? 'stall' : kind);
          await sleep(durationMs);
          victim.proxy.setMode('normal');
          break;
        case 'half-open-down':
        case 'half-open-up':
          victim.proxy.directionModes = kind === 'half-open-down' ? { toClient: 'freeze' } : { toServer: 'freeze' };
          await sleep(durationMs);
          victim.proxy.directionModes = {};
          break;
        case 'cut-down':
        case 'cut-up':
          victim.proxy.cutAfter[kind === 'cut-down' ? 'toClient' : 'toServer'] = Math.floor(random() * 3000);
          await sleep(durationMs);
          victim.proxy.cutAfter.toClient = undefined;
          victim.proxy.cutAfter.toServer = undefined;
          break;
        case 'restart':
          restarted = true;
          await server.close();
          await sleep(durationMs);
          server = await startServer({ ...serverOptions, port });
          break;
      }
      const faultMs = Date.now() - at;

      // The others' audio kept flowing among themselves while one link was in trouble (not after a restart; not while
      // the proxy, in this same process, writes one link's bytes in pieces of a few bytes).
      if (kind !== 'restart' && kind !== 'split' && faultMs > 1000) {
        for (const [i, c] of others.entries()) {
          for (const o of others) {
            if (o === c) continue;
            const got = (c.audioFrom.get(o.name) ?? 0) - (audioBefore[i]!.get(o.name) ?? 0);
            // 50 frames a second; a quarter of them is "flowing" on a busy two-core machine.
            if (got < (faultMs / 20) / 4) violations.push(`${kind} of ${victim.name}: ${c.name} got ${got} frames from ${o.name} in ${faultMs} ms`);
          }
          // p0's camera too (15 fps, 5 at the bottom of the ladder but one).
          const video = (c.videoFrom.get('p0') ?? 0) - videoBefore[i]!;
          // A rate limit below the call's rate steps every sender down until the slow receiver is found (20 s, §5.2).
          if (videoFlowing && kind !== 'shape' && c !== clients[0] && victim !== clients[0] && video < faultMs / 1000) violations.push(`${kind} of ${victim.name}: ${c.name} got ${video} video frames from p0 in ${faultMs} ms`);
        }
      }
      // A dead link (frozen for good, either way) or one silent past the idle limit is given up within that limit.
      const dies = kind === 'freeze' || kind.startsWith('half-open') || (kind.endsWith('stall') && faultMs > CLIENT_IDLE_MS + SLACK_MS);
      if (dies) {
        await sleep(Math.max(0, at + CLIENT_IDLE_MS + SLACK_MS - Date.now()));
        const noticed = victim.events.filter(isReconnecting).length > reconnectsBefore;
        if (!noticed) violations.push(`${kind} of ${victim.name} for ${faultMs} ms went unnoticed for ${Date.now() - at} ms (idle limit ${CLIENT_IDLE_MS} ms)`);
      }
      // Everyone back, each seeing the others once, within the documented time once the link is whole.
      const back = await waitFor(() => clients.every((c) => seesEveryone(c, clients)), REJOIN_MS + (kind === 'restart' ? 2000 : 0));
      if (!back) {
        const views = clients.map((c) => `${c.name}:${sessionOf(c.call)?.status}[${c.call.participants.map((p) => `${p.name}#${p.id}`).join(',')}]`);
        violations.push(`after ${kind} of ${victim.name}: not all back within ${REJOIN_MS} ms: ${views.join(' ')}`);
        await waitFor(() => clients.every((c) => seesEveryone(c, clients)), 10_000);
      }
      const joins = victim.events.filter((e): e is Extract<CallEvent, { type: 'joined' }> => e.type === 'joined');
      if (joins.slice(joinsBefore).some((e) => !e.rejoined)) {
        violations.push(`${victim.name} joined again but not as a rejoin`);
      }
      const names = server.peerStats().filter((p) => p.joined).map((p) => p.name);
      if (new Set(names).size !== names.length) violations.push(`after ${kind}: the server holds ${names.join(',')}`);
      await sleep(200);
    }

    clearInterval(chatting);
    chatting = undefined;
    // Every line written goes, once, in order, to everyone (nobody was away longer than the room's history holds).
    await waitFor(() => clients.every((c) => c.call.chatWaiting === 0), 15_000);
    await waitFor(() => clients.every((c) => clients.every((o) => o === c || (c.chatFrom.get(o.name)?.length ?? 0) >= o.sent.length - o.call.chatUnsent.length)), 5000);
    await sleep(300);
    for (const c of clients) {
      for (const o of clients) {
        if (o === c) continue;
        const got = c.chatFrom.get(o.name) ?? [];
        const unsent = new Set(o.call.chatUnsent);
        const expected = o.sent.filter((t) => !unsent.has(t));
        if (new Set(got).size !== got.length) violations.push(`${c.name} got a line of ${o.name} twice: ${got.join(' ')}`);
        const inOrder = got.every((t, i) => i === 0 || expected.indexOf(t) > expected.indexOf(got[i - 1]!));
        if (!inOrder) violations.push(`${c.name} got ${o.name}'s lines out of order: ${got.join(' ')}`);
        if (!restarted) {
          const missing = expected.filter((t) => !got.includes(t));
          if (missing.length > 0) violations.push(`${c.name} never got ${missing.join(' ')} from ${o.name} (nor was it reported unsent)`);
        }
      }
    }
    return { violations, faults };
  } finally {
    if (sampling) clearInterval(sampling);
    if (chatting) clearInterval(chatting);
    await Promise.all(clients.map((c) => c.call.leave()));
    await Promise.all(clients.map((c) => c.proxy.close()));
    await server.close();
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  }
}

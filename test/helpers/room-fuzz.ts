import { Buffer } from 'node:buffer';
import { Codec, Feature, FrameType, StreamKind, encodeFrame, encodeJson, type StateMessage } from '../../src/protocol/index.js';
import { nameKey, roomKey } from '../../src/server/names.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { FuzzConn, auth, type EndKind } from './room-fuzz-conn.js';
import { checkRound } from './room-fuzz-check.js';
import { FrameFuzzer } from './fuzz-frames.js';
import { rng } from './rng.js';

/**
 * Model-based random testing of the real server over loopback TCP: N clients at once, each doing random valid
 * protocol actions at random times (joins with clashing and unicode names, leaves, drops, half-closes, resumes,
 * state, chat, media, audio only, stalls), one of them sometimes breaking the rules. Afterwards every client's view
 * is checked against what the driver knows happened (room-fuzz-check.ts). Seeded: a failure replays with its seed.
 */

/** Names, with some that are one name to the server (case, NFC, invisible joiners) and a few it must refuse. */
export const VALID_NAMES = [
  'alice', 'Alice', 'alice\u200d', 'José', 'Jose\u0301', 'bob', 'BOB', '👩‍💻', '李雷', 'Zoë', 'ß', 'SS', 'ss', 'Ωmega', 'ωMEGA', "o'neil", 'x'.repeat(32),
];
export const INVALID_NAMES = [' alice', 'a\u202eb', 'x'.repeat(33), '\u3164', 'a\u0007b'];
export const VALID_ROOMS = ['main', 'Main', 'MAIN', 'r2', 'r-3.x'];
export const INVALID_ROOMS = ['bad room', 'é'];

export interface RoundOptions {
  seed: number;
  clients: number;
  durationMs: number;
  /** Where this round's clients connect from: 127.0.0.X, one per slot (the per-address limits stay out of the way). */
  addressBase?: number;
  /** A server with a password: every join answers a CHALLENGE; a rule breaker sometimes guesses wrong. */
  password?: string;
}

export interface RoundResult {
  seed: number;
  violations: string[];
  stats: Record<string, number>;
}

export interface Slot {
  index: number;
  rogue: boolean;
  name: string;
  room: string;
  conns: FuzzConn[];
  /** Pause intervals of each connection, by connId. */
  pauses: Map<number, Array<{ from: number; to: number }>>;
}

export interface World {
  server: RunningServer;
  slots: Slot[];
  conns: FuzzConn[];
  /** Tokens the server handed out. */
  issued: Set<string>;
  /** connId → the connection that took its seat with its token. */
  replacedBy: Map<number, FuzzConn>;
  /** connId → the PARTICIPANT_LEFT reason its rule break must cause. */
  expectReason: Map<number, string>;
  errors: string[];
  violations: string[];
  stats: Record<string, number>;
  clock: () => number;
  password: string | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runRound(options: RoundOptions): Promise<RoundResult> {
  const random = rng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const start = Date.now();
  const clock = (): number => Date.now() - start;
  const errors: string[] = [];
  auth.password = options.password;
  const server = await startServer({
    host: '127.0.0.1', port: 0, password: options.password,
    logger: { log: (level, event, fields) => { if (level === 'error') errors.push(`${event} ${JSON.stringify(fields)}`); } },
  });
  const crash = (err: unknown): void => { errors.push(`uncaught: ${(err as Error)?.stack ?? String(err)}`); };
  process.on('uncaughtException', crash);
  const world: World = {
    server, slots: [], conns: [], issued: new Set(), replacedBy: new Map(), expectReason: new Map(), errors,
    violations: [], stats: { joins: 0, refusals: 0, chats: 0, media: 0, resumes: 0, kicks: 0, pauses: 0 }, clock, password: options.password,
  };
  const namePool = Array.from({ length: 2 + Math.floor(random() * 4) }, () => pick(VALID_NAMES));
  const roomPool = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(VALID_ROOMS));
  const rogueSlot = random() < 0.5 ? Math.floor(random() * options.clients) : -1;
  for (let i = 0; i < options.clients; i++) {
    world.slots.push({ index: i, rogue: i === rogueSlot, name: pick(namePool), room: pick(roomPool), conns: [], pauses: new Map() });
  }
  const base = options.addressBase ?? 10;
  try {
    await Promise.all(world.slots.map((slot) => driveSlot(world, slot, rng(options.seed * 97 + slot.index + 1), options.durationMs, `127.0.0.${base + slot.index}`)));
    await settle(world);
    checkRound(world);
    await teardown(world, [...new Set(world.conns.filter((c) => c.id).map((c) => c.room))]);
  } finally {
    await server.close();
    process.off('uncaughtException', crash);
  }
  for (const e of errors) world.violations.push(`server error: ${e}`);
  return { seed: options.seed, violations: world.violations, stats: world.stats };
}

const randomState = (random: () => number): StateMessage => {
  const s: StateMessage = { muted: random() < 0.5, cameraOff: random() < 0.5 };
  if (random() < 0.1) Object.assign(s, { muted: true, noMicrophone: true });
  if (random() < 0.1) Object.assign(s, { cameraOff: true, noCamera: true });
  if (random() < 0.1) s.recording = true;
  return s;
};

async function driveSlot(world: World, slot: Slot, random: () => number, durationMs: number, localAddress: string): Promise<void> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const deadline = Date.now() + durationMs;
  const port = world.server.port;
  let chatN = 0;
  let pausedUntil = 0;
  const current = (): FuzzConn | undefined => {
    const c = slot.conns.at(-1);
    return c && c.joined ? c : undefined;
  };
  const open = async (token: string | undefined, sameSeat: boolean): Promise<void> => {
    const r = random();
    const seat = sameSeat ? slot.conns.at(-1) : undefined;
    const name = seat?.name ?? (r < 0.75 ? slot.name : r < 0.95 ? pick(VALID_NAMES) : pick(INVALID_NAMES));
    const room = seat?.room ?? (random() < 0.85 ? slot.room : random() < 0.9 ? pick(VALID_ROOMS) : pick(INVALID_ROOMS));
    const offers = [Feature.CONGESTION, Feature.RECEIVE, ...(random() < 0.6 ? [Feature.ACK] : [])];
    const previous = slot.conns.at(-1);
    const conn = await FuzzConn.open(port, localAddress, slot.index, name, room, roomKey(room), token, offers, random() < 0.5 ? randomState(random) : undefined, world.clock);
    slot.conns.push(conn);
    world.conns.push(conn);
    if (token !== undefined && previous && token === previous.token && previous.id) world.stats.resumes!++;
    const ok = await Promise.race([conn.welcomed(), sleep(3000).then(() => undefined)]);
    if (ok === undefined) world.violations.push(`slot ${slot.index} conn ${conn.connId}: no WELCOME or REFUSE within 3 s`);
    if (ok) welcomed(world, conn);
    else if (ok === false) world.stats.refusals!++;
  };
  while (Date.now() < deadline) {
    await sleep(5 + random() * 120);
    const conn = current();
    if (!conn) {
      if (random() < 0.5) continue;
      const last = slot.conns.at(-1);
      // Back after a drop with the token (most of the time), or fresh, or with a made-up token.
      const token = last?.token && random() < 0.7 ? last.token : random() < 0.1 ? 'made-up-token' : undefined;
      if (random() < 0.2) {
        slot.name = pick(VALID_NAMES);
        if (random() < 0.3) slot.room = pick(VALID_ROOMS);
      }
      await open(token, false);
      continue;
    }
    const resume = (): void => {
      if (!conn.paused) return;
      conn.resume();
      slot.pauses.get(conn.connId)!.at(-1)!.to = world.clock();
    };
    // A stalled reader still sends: its outbound side is fine.
    if (conn.paused && Date.now() >= pausedUntil) resume();
    const r = random() * 100;
    if (r < 22) {
      // Now and then what the server must clean (control characters, bidi overrides, tabs) or drop (only blanks).
      const extra = pick(['hi', 'hi', 'hi', 'héllo 👋🏽 世界', 'a\tb\nc', 'x\u001b[2Jy\u202ez ', '\ud800lone', ` ${'y'.repeat(1500)}`]);
      conn.chat(random() < 0.05 ? pick([' \t ', '\u0007', '']) : `${conn.roomKey}/${conn.connId}#${++chatN} ${extra}`);
      world.stats.chats!++;
    } else if (r < 32) {
      conn.setState(randomState(random));
    } else if (r < 48) {
      for (let i = 1 + Math.floor(random() * 8); i > 0; i--) conn.sendMedia(StreamKind.AUDIO, 40 + Math.floor(random() * 200));
      world.stats.media!++;
    } else if (r < 58) {
      for (let i = 1 + Math.floor(random() * 3); i > 0; i--) conn.sendMedia(StreamKind.VIDEO, 500 + Math.floor(random() * 40_000));
      world.stats.media!++;
    } else if (r < 63) {
      await within(conn.ping(), 1000);
    } else if (r < 68) {
      // Confirmed by a pong, which a stalled reader does not read: the window of audio only opens after its stall.
      await within(conn.receiveVideo(random() < 0.5), 1000);
    } else if (r < 72) {
      if (!conn.paused) {
        pausedUntil = Date.now() + (random() < 0.3 ? 1000 + random() * 2500 : 50 + random() * 400);
        conn.pause();
        world.stats.pauses!++;
        const list = slot.pauses.get(conn.connId) ?? [];
        list.push({ from: world.clock(), to: Infinity });
        slot.pauses.set(conn.connId, list);
      }
    } else if (r < 75) {
      resume();
      conn.leave();
      await within(conn.whenClosed(), 3000);
    } else if (r < 77) {
      conn.abrupt();
    } else if (r < 79) {
      resume();
      conn.halfClose();
      await within(conn.whenClosed(), 3000);
    } else if (r < 82) {
      // Back from another connection while this one still looks alive (a link the server has not seen drop yet).
      if (random() < 0.5) conn.abrupt();
      await open(conn.token, true);
    } else if (slot.rogue && r < 86) {
      breakRules(world, conn, random);
    } else if (slot.rogue && r < 88) {
      // Garbage from a connection that never joins; or a random mutated frame, then gone.
      const fuzz = new FrameFuzzer(Math.floor(random() * 2 ** 32));
      if (random() < 0.5) {
        const junk = await FuzzConn.open(port, localAddress, slot.index, 'junk', 'junk', 'junk', undefined, [], undefined, world.clock, fuzz.mutated());
        setTimeout(() => junk.abrupt(), 30);
      } else {
        world.expectReason.set(conn.connId, 'malformed-frame|unexpected-frame|flooding|disconnected');
        conn.writeRaw(fuzz.mutated(), 'malformed');
        setTimeout(() => conn.abrupt(), 30);
      }
    } else if (slot.rogue && r < 90 && world.password) {
      // A wrong guess at the password, from this connection's address (its own: nobody else's join may suffer).
      const guess = await FuzzConn.open(port, localAddress, slot.index, conn.name, conn.room, conn.roomKey, undefined, [], undefined, world.clock, undefined, 'wrong');
      await within(guess.welcomed(), 2000);
      world.conns.push(guess);
    } else if (r < 90 && random() < 0.3) {
      // The same person in another room too, with the same token: both seats stay.
      const room = pick(VALID_ROOMS);
      if (roomKey(room) !== conn.roomKey) await FuzzConn.open(port, localAddress, slot.index, conn.name, room, roomKey(room), conn.token, [Feature.RECEIVE], undefined, world.clock)
        .then(async (c) => {
          world.conns.push(c);
          slot.conns.splice(-1, 0, c);
          if (await c.welcomed()) welcomed(world, c);
        });
    }
  }
  for (const c of slot.conns) {
    if (c.paused) {
      c.resume();
      slot.pauses.get(c.connId)!.at(-1)!.to = world.clock();
    }
  }
}

function welcomed(world: World, conn: FuzzConn): void {
  world.stats.joins!++;
  world.issued.add(conn.token);
  // Any older connection with this token, room and name that the server may still hold is replaced (§4.1).
  const token = conn.helloToken;
  for (const old of world.conns) {
    if (old !== conn && old.id && token && old.token === token && old.roomKey === conn.roomKey && nameKey(old.name) === nameKey(conn.name)) world.replacedBy.set(old.connId, conn);
  }
}

/** One rule break of a misbehaving client, and the PARTICIPANT_LEFT reason it must earn (docs/protocol.md §6). */
function breakRules(world: World, conn: FuzzConn, random: () => number): void {
  world.stats.kicks!++;
  const frame = (type: number, kind: number, codec: number, payload: Uint8Array): Buffer =>
    encodeFrame({ type: type as 1, kind: kind as 0, codec: codec as 0, flags: 0, sender: 0, seq: 1, ts: Date.now(), payload });
  const which = Math.floor(random() * 7);
  let bytes: Buffer;
  let reason = 'malformed-frame';
  let end: EndKind = 'malformed';
  switch (which) {
    case 0: bytes = frame(0x0d, StreamKind.CONTROL, Codec.JSON, encodeJson({})); break;
    case 1: bytes = frame(FrameType.STATE, StreamKind.CONTROL, Codec.JSON, encodeJson({ muted: true })); break;
    case 2: bytes = frame(FrameType.CHAT, StreamKind.CHAT, Codec.JSON, encodeJson({ text: 'z'.repeat(2001) })); break;
    case 3: bytes = frame(FrameType.MEDIA, StreamKind.VIDEO, Codec.PCM_S16LE, new Uint8Array(10)); break;
    case 4:
      bytes = frame(FrameType.HELLO, StreamKind.CONTROL, Codec.JSON, encodeJson({ x: 1 }));
      reason = 'unexpected-frame';
      break;
    case 5: {
      // 80 state changes at once: past the burst of 60 (MESSAGE_LIMIT).
      bytes = Buffer.concat(Array.from({ length: 80 }, () => frame(FrameType.STATE, StreamKind.CONTROL, Codec.JSON, encodeJson({ muted: true, cameraOff: true }))));
      reason = 'flooding';
      end = 'flood';
      break;
    }
    default: {
      // 1,100 audio frames at once: past MEDIA_FRAME_LIMIT's burst of 1,000.
      bytes = Buffer.concat(Array.from({ length: 1100 }, () => frame(FrameType.MEDIA, StreamKind.AUDIO, Codec.OPUS, Buffer.from(`${conn.roomKey}|${conn.connId}|2|0|`))));
      reason = 'flooding';
      end = 'flood';
    }
  }
  world.expectReason.set(conn.connId, reason);
  conn.writeRaw(bytes, end);
}

async function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([p, sleep(ms).then(() => 'timeout' as const)]);
}

/** Lets everything in flight land: closes finish, the server agrees on who is connected, two ping rounds. */
async function settle(world: World): Promise<void> {
  for (const c of world.conns) {
    if ((c.end !== undefined || c.bye || c.refused) && !c.closed) {
      if ((await within(c.whenClosed(), 4000)) === 'timeout') world.violations.push(`conn ${c.connId} (${c.end ?? c.bye?.code ?? c.refused?.code}) not closed within 4 s`);
    }
  }
  const live = (): FuzzConn[] => world.conns.filter((c) => !c.closed);
  const deadline = Date.now() + 4000;
  while (world.server.connectionCount !== live().length && Date.now() < deadline) await sleep(20);
  if (world.server.connectionCount !== live().length) {
    world.violations.push(`server holds ${world.server.connectionCount} connections, clients have ${live().length} open`);
  }
  // First round: the server has read everything every client sent. Second: what that caused is in every inbox.
  for (let round = 0; round < 2; round++) {
    if ((await within(Promise.all(live().map((c) => c.ping())), 5000)) === 'timeout') world.violations.push('a live connection did not answer the settle ping');
  }
}

/** Everyone leaves; the server must then hold nothing: no connection, no socket, no room (a new joiner finds it empty). */
async function teardown(world: World, rooms: string[]): Promise<void> {
  for (const c of world.conns) {
    if (c.closed) continue;
    c.resume();
    if (c.connId % 2) c.leave();
    else c.abrupt();
  }
  await within(Promise.all(world.conns.map((c) => c.whenClosed())), 4000);
  const deadline = Date.now() + 4000;
  while ((world.server.connectionCount > 0 || world.server.openSockets > 0) && Date.now() < deadline) await sleep(20);
  if (world.server.connectionCount > 0 || world.server.openSockets > 0) {
    world.violations.push(`after everyone left the server holds ${world.server.connectionCount} peers, ${world.server.openSockets} sockets`);
  }
  for (const room of rooms) {
    const probe = await FuzzConn.open(world.server.port, '127.0.0.200', -1, 'probe', room, roomKey(room), undefined, [], undefined, world.clock);
    if (!(await probe.welcomed())) world.violations.push(`probe refused in ${room}: ${probe.refused?.code}`);
    const welcome = probe.frames.find((f) => f.frame.type === FrameType.WELCOME);
    const w = welcome ? JSON.parse(Buffer.from(welcome.frame.payload).toString()) as { participants: unknown[]; chat: unknown[] } : undefined;
    if (w && (w.participants.length > 0 || w.chat.length > 0)) {
      world.violations.push(`room ${room} not forgotten after everyone left: ${w.participants.length} participants, ${w.chat.length} chat lines`);
    }
    probe.leave();
    await within(probe.whenClosed(), 2000);
  }
}

import { Buffer } from 'node:buffer';
import { FrameType, StreamKind } from '../../src/protocol/index.js';
import { nameKey } from '../../src/server/names.js';
import { normalState, type FuzzConn } from './room-fuzz-conn.js';
import { INVALID_NAMES, INVALID_ROOMS, type World } from './room-fuzz.js';

/** The PARTICIPANT_LEFT reasons each way of ending may cause (docs/protocol.md §6). */
const LEFT_REASONS: Record<string, string[]> = {
  bye: ['leave'],
  half: ['disconnected'],
  abrupt: ['disconnected'],
};

/**
 * Checks a settled round against the model: rosters converge, chat is whole and in order and stays in its room,
 * media stays in its room and respects audio only, honest clients are never cut off, refusals have a cause.
 */
export function checkRound(world: World): void {
  const v = (s: string): void => void world.violations.push(s);
  const byId = new Map<number, FuzzConn>();
  for (const c of world.conns) {
    if (!c.id) continue;
    if (byId.has(c.id)) v(`id ${c.id} given to two connections`);
    byId.set(c.id, c);
  }
  const rogue = new Set(world.slots.filter((s) => s.rogue).map((s) => s.index));
  const live = world.conns.filter((c) => c.joined && !c.closed);
  const label = (c: FuzzConn): string => `conn ${c.connId} (slot ${c.slot}, ${JSON.stringify(c.name)} in ${c.room}, id ${c.id})`;

  for (const c of world.conns) {
    // Honest clients are ended only by their own doing (a resume replacing this connection counts as theirs).
    if (!rogue.has(c.slot) && c.bye && !(c.bye.code === 'replaced' && world.replacedBy.has(c.connId))) v(`${label(c)} honest, got BYE ${c.bye.code}`);
    if (c.bye?.code === 'replaced' && !world.replacedBy.has(c.connId)) {
      const same = world.conns.filter((o) => o.token === c.token || o.helloToken === c.token)
        .map((o) => `${o.connId}{slot ${o.slot} ${o.name}/${o.room} hello-token ${o.helloToken === c.token ? 'same' : o.helloToken} opened ${o.openedAt} welcome ${o.welcomeAt} refused ${o.refused?.code} end ${o.end}}`);
      v(`${label(c)} replaced at ${c.bye.at} (opened ${c.openedAt}), but nobody resumed its seat: ${same.join(' ')}`);
    }
    for (const e of c.rosterErrors) v(`${label(c)}: ${e}`);
    checkRefusal(world, c, v);
    checkWelcome(world, c, byId, v);
    checkLeftReasons(world, c, byId, v);
  }

  for (const m of live) {
    const expected = new Map<number, string>();
    for (const p of live) if (p !== m && p.roomKey === m.roomKey) expected.set(p.id, `${p.name} ${JSON.stringify(normalState(p.state))}`);
    const actual = new Map<number, string>([...m.roster].map(([id, s]) => [id, `${s.name} ${JSON.stringify(normalState(s.state))}`]));
    const missing = [...expected].filter(([id, s]) => actual.get(id) !== s).map(([id, s]) => `${id}:${s} (has ${actual.get(id) ?? 'nothing'})`);
    const ghosts = [...actual].filter(([id]) => !expected.has(id)).map(([id, s]) => `${id}:${s} [${byId.get(id) ? label(byId.get(id)!) + ' end=' + byId.get(id)!.end : '?'}]`);
    if (missing.length || ghosts.length) v(`${label(m)} roster differs: missing/wrong ${missing.join(', ')}; ghosts ${ghosts.join(', ')}`);
  }

  for (const m of world.conns.filter((c) => c.id)) checkChat(world, m, byId, live.includes(m), v);
  chatLatency(world, byId);
  for (const m of world.conns.filter((c) => c.id)) checkMedia(m, byId, v, label);
}

function checkRefusal(world: World, c: FuzzConn, v: (s: string) => void): void {
  if (!c.refused) return;
  const { code } = c.refused;
  const badName = INVALID_NAMES.includes(c.name);
  const badRoom = INVALID_ROOMS.includes(c.room);
  if (badName || badRoom) {
    if (code !== (badName ? 'bad-name' : 'bad-room')) v(`conn ${c.connId} ${JSON.stringify(c.name)}/${c.room}: refused ${code}`);
    return;
  }
  if (c.password !== undefined && c.password !== world.password) {
    if (code !== 'auth-failed' && code !== 'rate-limited') v(`conn ${c.connId}: wrong password refused ${code}`);
    return;
  }
  if (code === 'rate-limited' && world.slots[c.slot]?.rogue && world.password) {
    // Its own address guessed wrong too often; someone back with a token issued here is exempt (§4.2).
    if (c.helloToken !== undefined && world.issued.has(c.helloToken)) v(`conn ${c.connId}: rate-limited though it brought a token issued here`);
    return;
  }
  if (code !== 'name-taken') return v(`conn ${c.connId} ${JSON.stringify(c.name)}/${c.room}: refused ${code} ${c.refused.message}`);
  // Someone else held the name then: welcomed before the refusal, not known to be gone before our HELLO.
  const holders = world.conns.filter((h) => h !== c && h.id && h.roomKey === c.roomKey && nameKey(h.name) === nameKey(c.name) && h.welcomeAt > 0 && h.openedAt <= c.refused!.at)
    .filter((h) => !goneBefore(world, h, c.openedAt));
  if (holders.length === 0) {
    const near = world.conns.filter((h) => h !== c && h.roomKey === c.roomKey && nameKey(h.name) === nameKey(c.name))
      .map((h) => `${h.connId}{id ${h.id} opened ${h.openedAt} welcome ${h.welcomeAt} end ${h.end} closed ${h.closedAt} bye ${JSON.stringify(h.bye)} refused ${h.refused?.code}}`);
    v(`conn ${c.connId} ${JSON.stringify(c.name)}/${c.room} opened ${c.openedAt}: name-taken at ${c.refused.at}, but nobody held the name: ${near.join(' ')}`);
  }
  else if (c.helloToken && holders.every((h) => h.token === c.helloToken)) v(`conn ${c.connId} ${JSON.stringify(c.name)}: name-taken though it brought the holder's token`);
}

/** Whether the server had certainly let `h` go before `t`: someone was told it left, or it was sent a BYE. */
function goneBefore(world: World, h: FuzzConn, t: number): boolean {
  if (h.bye && h.bye.at < t) return true;
  return world.conns.some((o) => o.frames.some((f) => f.at < t && f.frame.type === FrameType.PARTICIPANT_LEFT && JSON.parse(Buffer.from(f.frame.payload).toString()).id === h.id));
}

function checkWelcome(world: World, c: FuzzConn, byId: Map<number, FuzzConn>, v: (s: string) => void): void {
  const welcome = c.frames.find((f) => f.frame.type === FrameType.WELCOME);
  if (!welcome) return;
  const w = JSON.parse(Buffer.from(welcome.frame.payload).toString()) as { participants: Array<{ id: number; name: string }>; chat: Array<{ fromId: number; text: string }> };
  for (const p of w.participants) {
    const o = byId.get(p.id);
    if (!o) v(`conn ${c.connId}: WELCOME lists unknown id ${p.id}`);
    else if (o.roomKey !== c.roomKey) v(`conn ${c.connId} in ${c.room}: WELCOME lists ${p.name} of room ${o.room}`);
    else if (o.roomSpelling !== c.roomSpelling) v(`conn ${c.connId}: room spelled ${c.roomSpelling}, but ${o.roomSpelling} for ${o.name} already in it`);
    if (nameKey(p.name) === nameKey(c.name)) v(`conn ${c.connId}: WELCOME lists someone with its own name ${p.name}`);
  }
  const live = new Set(c.chats.map((e) => e.text));
  for (const e of w.chat) {
    if (!e.text.startsWith(`${c.roomKey}/`)) v(`conn ${c.connId} in ${c.room}: chat history from another room: ${e.text.slice(0, 40)}`);
    if (live.has(e.text)) v(`conn ${c.connId}: chat line both in its WELCOME and relayed after: ${e.text.slice(0, 40)}`);
  }
  if (c.helloToken !== undefined && world.issued.has(c.helloToken) && c.token !== c.helloToken && issuedBefore(world, c)) {
    v(`conn ${c.connId}: brought token issued here, WELCOME gave another`);
  }
  if (c.helloToken !== undefined && !world.issued.has(c.helloToken) && c.token === c.helloToken) v(`conn ${c.connId}: made-up token kept`);
}

/** Whether the token this connection brought was handed out by another connection's WELCOME (not only its own). */
function issuedBefore(world: World, c: FuzzConn): boolean {
  return world.conns.some((o) => o !== c && o.token === c.helloToken && o.welcomeAt > 0 && o.welcomeAt < c.welcomeAt);
}

function checkLeftReasons(world: World, c: FuzzConn, byId: Map<number, FuzzConn>, v: (s: string) => void): void {
  for (const { id, reason } of c.leftReasons) {
    const p = byId.get(id);
    if (!p) continue;
    const allowed = [...(LEFT_REASONS[p.end ?? ''] ?? []), ...(world.expectReason.get(p.connId)?.split('|') ?? [])];
    if (world.replacedBy.has(p.connId)) allowed.push('replaced');
    if (!allowed.includes(reason)) v(`conn ${c.connId} told ${p.name} (conn ${p.connId}, end=${p.end}) left with ${reason}, expected ${allowed.join('|') || 'no leave'}`);
  }
}

function checkChat(world: World, m: FuzzConn, byId: Map<number, FuzzConn>, stillHere: boolean, v: (s: string) => void): void {
  const bySender = new Map<number, string[]>();
  for (const chat of m.chats) {
    if (chat.fromId === m.id) v(`conn ${m.connId}: its own chat came back: ${chat.text.slice(0, 40)}`);
    const s = byId.get(chat.fromId);
    if (!s) { v(`conn ${m.connId}: chat from unknown id ${chat.fromId}`); continue; }
    // A random frame a rule breaker sent may be a valid chat line the model does not know.
    if (s.lossyFrom < Infinity && !s.sentChats.some((x) => x.text === chat.text)) continue;
    if (s.roomKey !== m.roomKey || !chat.text.startsWith(`${m.roomKey}/${s.connId}#`)) v(`conn ${m.connId} in ${m.room}: chat crossed rooms or senders: ${chat.text.slice(0, 40)} from ${s.connId}`);
    if (chat.from !== s.name) v(`conn ${m.connId}: chat from ${s.connId} named ${chat.from}, not ${s.name}`);
    bySender.set(chat.fromId, [...(bySender.get(chat.fromId) ?? []), chat.text]);
  }
  const mEnd = m.closed ? m.closedAt : Infinity;
  for (const s of world.conns) {
    if (!s.id || s === m || s.roomKey !== m.roomKey) continue;
    const sent = s.sentChats.filter((x) => x.at > s.welcomeAt).map((x) => ({ ...x, text: x.text.trim() }));
    const got = bySender.get(s.id) ?? [];
    if (got.length === 0 && sent.length === 0) continue;
    // Contiguous and in order: what arrived is one run of what was sent.
    const first = sent.findIndex((x) => x.text === got[0]);
    if (got.length > 0 && (first < 0 || got.some((t, i) => sent[first + i]?.text !== t))) {
      v(`conn ${m.connId}: chat from ${s.connId} out of order or altered: got ${JSON.stringify(got.map((t) => t.slice(0, 24)))} of ${JSON.stringify(sent.map((x) => x.text.slice(0, 24)))}`);
      continue;
    }
    if (!stillHere || m.end !== undefined) continue;
    // Everything sent after we were in, before the sender could lose data, before we left, must have arrived.
    const owed = sent.filter((x) => x.at > m.welcomeAt && x.at < s.lossyFrom && x.at < mEnd && !(world.replacedBy.has(s.connId) && x.at > world.replacedBy.get(s.connId)!.openedAt - 1));
    const missing = owed.filter((x) => !got.includes(x.text));
    if (missing.length) v(`conn ${m.connId}: missing ${missing.length} chat lines from conn ${s.connId} (end=${s.end}): ${missing[0]!.text.slice(0, 30)}`);
  }
}

function checkMedia(m: FuzzConn, byId: Map<number, FuzzConn>, v: (s: string) => void, label: (c: FuzzConn) => string): void {
  const lastSeq = new Map<string, number>();
  for (const got of m.media) {
    if (got.sender === m.id) { v(`${label(m)}: its own media came back`); continue; }
    const s = byId.get(got.sender);
    const [room, connId, kind, seq] = got.tag.split('|');
    if (s && s.lossyFrom < Infinity && !s.sentMedia.has(`${connId}|${kind}|${seq}`) && Number(seq) !== 0) continue;
    if (!s || s.roomKey !== m.roomKey || room !== m.roomKey || Number(connId) !== s.connId || Number(kind) !== got.kind) {
      v(`${label(m)}: media ${got.tag} from id ${got.sender} (${s ? label(s) : '?'}) crossed rooms or senders`);
      continue;
    }
    const key = `${got.sender}|${got.kind}`;
    if (Number(seq) !== 0) {
      if ((lastSeq.get(key) ?? 0) >= Number(seq)) v(`${label(m)}: media ${got.tag} out of order`);
      lastSeq.set(key, Number(seq));
    }
    if (got.kind === StreamKind.VIDEO) {
      const sentAt = s.sentMedia.get(`${connId}|${kind}|${seq}`) ?? -1;
      if (m.audioOnly.some((w) => sentAt > w.from && sentAt < w.to)) v(`${label(m)}: video ${got.tag} sent at ${sentAt} while audio only ${JSON.stringify(m.audioOnly)}`);
    }
  }
}

/**
 * The slowest chat line to a receiver that was reading all along, while anyone else stalled: a stalled reader must
 * not hold up the others (docs/protocol.md §5). Kept as a figure (stats.chatLatencyMs); no timed assertion.
 */
function chatLatency(world: World, byId: Map<number, FuzzConn>): void {
  let worst = 0;
  for (const slot of world.slots) {
    for (const m of slot.conns) {
      const pauses = slot.pauses.get(m.connId) ?? [];
      for (const chat of m.chats) {
        const s = byId.get(chat.fromId);
        const sent = s?.sentChats.find((x) => x.text.trim() === chat.text);
        if (!sent || pauses.some((p) => p.from < chat.at && p.to > sent.at)) continue;
        worst = Math.max(worst, chat.at - sent.at);
      }
    }
  }
  world.stats.chatLatencyMs = worst;
}

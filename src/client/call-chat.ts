import { MAX_CHAT_LENGTH, printableChatText, type ChatEntry, type WelcomeMessage } from '../protocol/index.js';
import type { Clock } from '../util/clock.js';
import { GRAPHEMES, graphemes } from '../util/graphemes.js';
import { ChatOutbox } from './chat-outbox.js';
import type { Recorder } from './recorder.js';
import type { Session } from './session.js';

/** What the call's chat needs of the call. */
export interface CallChatContext {
  session(): Session | undefined;
  selfId(): number;
  recorder: Recorder | undefined;
  clock: Clock;
  /** A line to show and pass on (live, or missed while away). */
  received(entry: ChatEntry): void;
  /** One of our own lines went to the server, stamped as recorded (the server relays it to the others only). */
  sent?(entry: ChatEntry): void;
  notice(message: string): void;
}

/**
 * A call's chat: what you send (cleaned, split, paced through the outbox, recorded), and what comes in (recorded,
 * and after a rejoin what was said while you were away).
 */
export class CallChat {
  private readonly outbox = new ChatOutbox(
    // Not while leaving: a line handed over then was dropped by the closing connection, and counted nowhere. Not
    // while our ping goes unanswered (`pingAnswered` goes on): a stalled link delivers what was paced into it all at
    // once when it recovers, and more than the server's chat burst gets us disconnected for flooding.
    () => {
      const session = this.context.session();
      return session?.open === true && session.unansweredPingMs <= CHAT_HELD_AFTER_UNANSWERED_PING_MS;
    },
    (text) => this.deliver(this.context.session()!, text),
  );
  /** Server time of the newest line seen: after a rejoin, later ones in the history were missed. */
  private newestTs = Number.NEGATIVE_INFINITY;
  /**
   * Lines handed to the connection lately, and when. A link that died before anyone noticed (the 15 s idle timeout)
   * took what was written into it along: after the rejoin, those the room's history lacks are sent again.
   * `newestTs`: the newest server stamp seen when the line went; the server stamped the line after that.
   */
  private recentlySent: Array<{ text: string; at: number; newestTs: number; arrived?: true }> = [];
  /** Lines going out a second time: recorded the first time already. */
  private readonly resending: string[] = [];

  constructor(private readonly context: CallChatContext) {}

  /**
   * Sends a chat message; text longer than the protocol allows goes as several messages (the server would drop the
   * connection over one too long), at a pace the server accepts. Sent before the join finished or while
   * reconnecting, it waits and goes once joined (chat-outbox.ts).
   */
  send(text: string): void {
    let refused = 0;
    for (const part of chatMessagesOf(text)) {
      if (!this.outbox.push(part)) refused += 1;
    }
    this.outbox.drain();
    if (refused > 0) {
      this.context.notice(`${refused} chat message${refused === 1 ? '' : 's'} not sent: ${this.outbox.waiting} are still waiting to go; send the rest later`);
    }
  }

  /** Messages written but not yet sent (pacing, or waiting for the join). */
  get waiting(): number {
    return this.outbox.waiting;
  }

  /** The messages still waiting, oldest first: after the end, those that never went. */
  get unsent(): readonly string[] {
    return this.outbox.texts;
  }

  /**
   * Lines handed to the connection that no ping answer since proves arrived, oldest first. Once the call has ended with
   * its link lost, they may or may not have reached the others.
   */
  get unconfirmed(): readonly string[] {
    return notArrived(this.recentlySent);
  }

  /** A line relayed by the server. */
  received(entry: ChatEntry): void {
    this.newestTs = Math.max(this.newestTs, entry.ts);
    this.context.recorder?.chat(entry);
    this.context.received(entry);
  }

  /**
   * Joined: what waited goes now, and after a rejoin what the others said while we were away (the room's history in
   * the WELCOME) comes in as if live: headless bots and the recording would miss it otherwise. On the first join that
   * history is the past (the call screen shows it), not news. What the others said goes before what waited to be
   * sent: said first, it is recorded first (chat.jsonl had our lines typed while away before the others' lines from
   * then), and the lines sent after it are known to be stamped after it.
   */
  joined(welcome: WelcomeMessage, rejoined: boolean, resumed = false): void {
    if (rejoined) this.resendLost(welcome, resumed);
    for (const entry of welcome.chat) {
      if (entry.ts <= this.newestTs) continue;
      this.newestTs = entry.ts;
      // Our own lines were recorded as they were sent.
      if (!rejoined || entry.from === welcome.name) continue;
      this.received(entry);
    }
    this.outbox.drain();
  }

  /**
   * The server answered a ping that went `rttMs` ago: what we sent before it arrived (one connection keeps the order),
   * and chat held for it goes on.
   */
  pingAnswered(rttMs?: number): void {
    if (rttMs !== undefined) {
      const pingSentAt = this.context.clock.wallMs() - rttMs - CONFIRM_MARGIN_MS;
      for (const sent of this.recentlySent) if (sent.at <= pingSentAt) sent.arrived = true;
    }
    this.outbox.drain();
  }

  stop(): void {
    this.outbox.stop();
  }

  /**
   * Lines sent lately that the room's history does not hold (from us, the same text) go again, first. Only when the
   * history is the one we left (it holds a line we saw, or one we sent): a server started afresh has none, and the
   * others may have seen those lines before it went down. `resumed` (the server gave our resume token back, so it is
   * the one we left) says so too: a participant who had seen no line yet and whose first lines all died with the
   * link finds neither in the history.
   */
  private resendLost(welcome: WelcomeMessage, resumed: boolean): void {
    const now = this.context.clock.wallMs();
    const recent = this.recentlySent.filter((sent) => now - sent.at <= RESEND_WINDOW_MS);
    this.recentlySent = [];
    const ours = welcome.chat.filter((entry) => entry.from === welcome.name);
    const sameRoom = welcome.chat.some((entry) => entry.ts <= this.newestTs) || recent.some((sent) => ours.some((entry) => isEntryOf(entry, sent)));
    if (!sameRoom && !resumed) {
      // Not sent again (the others may have seen them before the server went down), but not passed over in silence.
      const unknown = notArrived(recent);
      if (unknown.length > 0) this.context.notice(mayNotHaveArrived(unknown, 'the server started afresh'));
      return;
    }
    // The link delivered in order: the server got the first of these lines and lost the rest, so its history ends
    // with the ones it got. (Found by text anywhere in it, a lost "ok" was taken for an "ok" said minutes before.)
    // The history keeps only the room's newest lines: in a busy room, or after a long paste, the first of ours have
    // left it, and only the newest of those the server got can be compared (all of them were sent again, as lost).
    let received = recent.length;
    while (received > 0 && !endsWith(ours, recent.slice(Math.max(0, received - ours.length), received))) received--;
    // Lines a ping answered after them proves arrived were received, whatever the history still shows of them (in a
    // room that said 50 lines since, none).
    while (received < recent.length && recent[received]!.arrived) received++;
    const lost = recent.slice(received).map((sent) => sent.text);
    this.outbox.pushFront(lost);
    this.resending.push(...lost);
  }

  private deliver(session: Session, text: string): void {
    session.sendChat(text);
    const now = this.context.clock.wallMs();
    this.recentlySent = this.recentlySent.filter((sent) => now - sent.at <= RESEND_WINDOW_MS);
    this.recentlySent.push({ text, at: now, newestTs: this.newestTs });
    const again = this.resending.indexOf(text);
    if (again >= 0) {
      this.resending.splice(again, 1);
      return;
    }
    // Your own lines belong in the record too: the server relays chat to the others only.
    const name = session.welcome?.name;
    if (name === undefined) return;
    // As the server keeps and relays it (peer.ts): a long line's part cut after a blank does not end in it.
    const entry = { fromId: this.context.selfId(), from: name, text: printableChatText(text).trim(), ts: now };
    this.context.recorder?.chat(entry);
    this.context.sent?.(entry);
  }
}

/**
 * One sentence for chat lines whose fate is unknown: "your chat line "see you at 3" may not have reached the others
 * (the server started afresh)"; more than one are counted and the newest quoted, cut to a screen line.
 */
export function mayNotHaveArrived(texts: readonly string[], why: string): string {
  const newest = graphemes(texts.at(-1)!.replace(/\s+/g, ' '));
  const quoted = `"${newest.length > QUOTE_LENGTH ? `${newest.slice(0, QUOTE_LENGTH - 1).join('')}…` : newest.join('')}"`;
  const what = texts.length === 1 ? `your chat line ${quoted}` : `your last ${texts.length} chat lines (the newest ${quoted})`;
  return `${what} may not have reached the others (${why})`;
}

/** Longest text quoted in a notice: what fits on one line of a narrow chat panel with the sentence around it. */
const QUOTE_LENGTH = 40;

/** The texts of the lines sent that no ping answer proves arrived, oldest first. */
function notArrived(sent: ReadonlyArray<{ text: string; arrived?: true }>): string[] {
  return sent.filter((line) => !line.arrived).map((line) => line.text);
}

/** Whether `history` ends with the lines `tail` (at least one). */
function endsWith(history: readonly ChatEntry[], tail: ReadonlyArray<{ text: string; newestTs: number }>): boolean {
  if (tail.length === 0 || tail.length > history.length) return false;
  const offset = history.length - tail.length;
  return tail.every((sent, i) => isEntryOf(history[offset + i]!, sent));
}

/**
 * Whether a history entry of ours may be a line we sent: the same text as the server keeps it (trimmed: a long line's
 * part may not be), stamped no earlier than the newest line we had seen when we sent it, give or take a clock step
 * (an "ok" of minutes before is not the "ok" just lost).
 */
function isEntryOf(entry: ChatEntry, sent: { text: string; newestTs: number }): boolean {
  return entry.text === sent.text.trim() && entry.ts >= sent.newestTs - CLOCK_STEP_MS;
}

/**
 * Our estimate of the server's clock moves by up to this much between a line and a ping: a line this close to the ping
 * goes unconfirmed.
 */
const CONFIRM_MARGIN_MS = 100;

/** How far the server's clock may step back between two stamps (an NTP correction) and a line still be known. */
const CLOCK_STEP_MS = 2000;

/**
 * How long our ping may go unanswered before chat waits for its answer. At CLIENT_CHAT_BYTE_PACE, what goes into a
 * link stalled since just after the last answer (the next ping up to 5 s later, then this) stays within the server's
 * CHAT_BYTE_LIMIT burst when it arrives all at once.
 */
const CHAT_HELD_AFTER_UNANSWERED_PING_MS = 2_000;

/** How far back a line may have been lost with a connection nobody knew was dead: its idle timeout, and some. */
const RESEND_WINDOW_MS = 30_000;

/**
 * Splits chat text into messages the protocol accepts (MAX_CHAT_LENGTH UTF-16 units, docs/protocol.md §4.3): at the
 * last blank before the limit, which goes with the split (the server trims it anyway), so no word arrives in two
 * halves; where the last half of the limit has no blank (a long link), at the last character cluster that fits,
 * never inside one (nor inside a surrogate pair).
 */
export function splitChat(text: string): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > MAX_CHAT_LENGTH) {
    const { cut, blank } = splitPoint(rest);
    parts.push(rest.slice(0, cut));
    rest = rest.slice(blank ? cut + 1 : cut);
  }
  parts.push(rest);
  return parts;
}

/**
 * The messages `text` goes as (CallChat.send): cleaned before splitting, so what is left fits a chat frame however
 * many escapes its JSON would have needed; blank parts are not sent.
 */
export function chatMessagesOf(text: string): string[] {
  return splitChat(printableChatText(text)).filter((part) => part.trim().length > 0);
}

/** Units segmented past the limit: what decides where the cluster at the limit ends is right after it. */
const SEGMENT_LOOKAHEAD = 64;

/** Where to split `text`, longer than a message: after the last whole cluster that fits, or at a blank near it. */
function splitPoint(text: string): { cut: number; blank: boolean } {
  // Some way past the limit, not just to it: cut there, the halves of a flag pair up differently. Not the whole text
  // either: a 128,000-character paste took 9 s to split, segmented to each limit in turn.
  const segments = GRAPHEMES.segment(text.slice(0, MAX_CHAT_LENGTH + SEGMENT_LOOKAHEAD));
  // The cluster the first unit past the limit is in starts where this message must end.
  const cluster = segments.containing(MAX_CHAT_LENGTH)?.index ?? MAX_CHAT_LENGTH;
  // Half a message or more before the blank: a blank near the start would send a word alone, and one message more.
  for (let i = cluster - 1; i >= MAX_CHAT_LENGTH / 2; i--) {
    // A blank that is a cluster of its own (not one a combining mark sits on).
    if (/\s/u.test(text[i]!) && segments.containing(i)?.segment === text[i]) return { cut: i, blank: true };
  }
  if (cluster > 0) return { cut: cluster, blank: false };
  // One cluster longer than a message (a letter with thousands of marks): split between code points.
  const code = text.charCodeAt(MAX_CHAT_LENGTH - 1);
  return { cut: code >= 0xd800 && code <= 0xdbff ? MAX_CHAT_LENGTH - 1 : MAX_CHAT_LENGTH, blank: false };
}

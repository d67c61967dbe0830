import { MAX_CHAT_LENGTH, printableChatText, type ChatEntry, type WelcomeMessage } from '../protocol/index.js';
import type { Clock } from '../util/clock.js';
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
  notice(message: string): void;
}

/**
 * A call's chat: what you send (cleaned, split, paced through the outbox, recorded), and what comes in (recorded,
 * and after a rejoin what was said while you were away).
 */
export class CallChat {
  private readonly outbox = new ChatOutbox(
    () => this.context.session()?.status === 'joined',
    (text) => this.deliver(this.context.session()!, text),
  );
  /** Server time of the newest line seen: after a rejoin, later ones in the history were missed. */
  private newestTs = Number.NEGATIVE_INFINITY;

  constructor(private readonly context: CallChatContext) {}

  /**
   * Sends a chat message; text longer than the protocol allows goes as several messages (the server would drop the
   * connection over one too long), at a pace the server accepts. Sent before the join finished or while
   * reconnecting, it waits and goes once joined (chat-outbox.ts).
   */
  send(text: string): void {
    let refused = 0;
    // Cleaned before splitting: what is left fits a chat frame, however many escapes its JSON would have needed.
    for (const part of splitChat(printableChatText(text))) {
      if (part.trim().length > 0 && !this.outbox.push(part)) refused += 1;
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

  /** A line relayed by the server. */
  received(entry: ChatEntry): void {
    this.newestTs = Math.max(this.newestTs, entry.ts);
    this.context.recorder?.chat(entry);
    this.context.received(entry);
  }

  /**
   * Joined: what waited goes now, and after a rejoin what the others said while we were away (the room's history in
   * the WELCOME) comes in as if live: headless bots and the recording would miss it otherwise. On the first join that
   * history is the past (the call screen shows it), not news.
   */
  joined(welcome: WelcomeMessage, rejoined: boolean): void {
    this.outbox.drain();
    for (const entry of welcome.chat) {
      if (entry.ts <= this.newestTs) continue;
      this.newestTs = entry.ts;
      // Our own lines were recorded as they were sent.
      if (!rejoined || entry.from === welcome.name) continue;
      this.received(entry);
    }
  }

  stop(): void {
    this.outbox.stop();
  }

  private deliver(session: Session, text: string): void {
    session.sendChat(text);
    // Your own lines belong in the record too: the server relays chat to the others only.
    const name = session.welcome?.name;
    if (name !== undefined) this.context.recorder?.chat({ fromId: this.context.selfId(), from: name, text, ts: this.context.clock.wallMs() });
  }
}

/** Splits chat text into messages the protocol accepts (MAX_CHAT_LENGTH UTF-16 units), never inside a character. */
export function splitChat(text: string): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > MAX_CHAT_LENGTH) {
    let cut = MAX_CHAT_LENGTH;
    // Not between the two halves of a surrogate pair (an emoji).
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts;
}

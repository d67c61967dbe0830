import type { CallEvent } from '../client/call-types.js';
import { mediaStateOf } from '../protocol/index.js';
import type { ChatPanel } from './chat-panel.js';
import { mentions } from './mentions.js';
import type { PaneGrid, Person } from './pane-grid.js';
import { escapeTags } from './pane-view.js';

/** The call's events about the room's people: who is in it, who comes, goes or changes state, and what they say. */
export type RoomEvent = Extract<CallEvent, { type: 'joined' | 'participant-joined' | 'participant-left' | 'state' | 'chat' }>;

/** What the room's news acts on: the call screen's grid and chat, and what only the screen itself can do. */
export interface RoomNewsScreen {
  readonly grid: Pick<PaneGrid, 'add' | 'remove'> & { readonly people: { get(key: string): Pick<Person, 'name' | 'media'> | undefined } };
  readonly chat: Pick<ChatPanel, 'system' | 'message' | 'history'>;
  /** Your name as you gave it: a chat line that mentions it rings. */
  readonly selfName: string;
  /** A chat stamp as this machine's clock reads it (localChatTime). */
  shownTime(serverTs: number): number;
  /** Rings the terminal's bell, if `b` left it on. */
  ring(): void;
  relayout(full: boolean): void;
  renderSoon(): void;
}

/**
 * The room's people as the call screen shows them: panes added and removed as they join and leave, their state, and
 * the chat lines that say so (who joined, is back, left or dropped out, records the call), rung for when new.
 */
export class RoomNews {
  constructor(private readonly screen: RoomNewsScreen) {}

  handle(event: RoomEvent): void {
    const { grid, chat } = this.screen;
    switch (event.type) {
      case 'joined':
        for (const p of event.welcome.participants) grid.add({ key: `p${p.id}`, ...p, isSelf: false });
        // The room's past on the first join, before "joined as": what is said from now on follows that line. After a
        // rejoin the call passes on what was missed as chat events (and not our own lines: shown when typed, the
        // history has them again at the server's later time).
        if (!event.rejoined) {
          const history = event.welcome.chat.map((entry) => ({ ...entry, ts: this.screen.shownTime(entry.ts) }));
          chat.history(history, (entry) => mentions(entry.text, event.welcome.name));
        }
        // A rejoin is announced by the call's own notice ("reconnected to room … after N s").
        if (!event.rejoined) chat.system(`joined as {bold}${escapeTags(event.welcome.name)}{/bold}`);
        for (const p of event.welcome.participants) if (p.recording) this.sayRecording(p.name);
        return this.screen.relayout(false);
      case 'participant-joined': {
        // Back after dropping out (a new id, the same name): not someone new to ring for.
        const back = grid.add({ key: `p${event.participant.id}`, ...event.participant, isSelf: false });
        chat.system(`${escapeTags(event.participant.name)} ${back ? 'is back' : 'joined'}`);
        if (event.participant.recording) this.sayRecording(event.participant.name);
        if (!back) this.screen.ring();
        return this.screen.relayout(false);
      }
      case 'participant-left': {
        // `leave`: they chose to. Anything else (their link dropped, a timeout, ours reconnecting): they may be back.
        grid.remove(`p${event.id}`, event.reason !== 'leave');
        const why = event.reason === 'leave' ? 'left' : `dropped out (${event.reason})`;
        // Ours reconnecting is said once, by the call; a replaced connection is its owner coming back this instant.
        if (event.reason !== 'reconnecting' && event.reason !== 'replaced') chat.system(`${escapeTags(event.name)} ${why}`);
        return this.screen.relayout(false);
      }
      case 'chat': {
        // Your name as a word (or @name), not inside another: "malice" does not ring for alice.
        const mention = mentions(event.entry.text, this.screen.selfName);
        chat.message(event.entry.from, event.entry.text, this.screen.shownTime(event.entry.ts), { mention });
        if (mention) this.screen.ring();
        return this.screen.renderSoon();
      }
      case 'state': {
        const person = grid.people.get(`p${event.participant.id}`);
        if (!person) return;
        if (event.participant.recording && !person.media.recording) this.sayRecording(person.name);
        person.media = mediaStateOf(event.participant);
        return this.screen.relayout(false);
      }
    }
  }

  /** Everyone is told who records the call (their pane says "● rec" too). */
  private sayRecording(name: string): void {
    this.screen.chat.system(`{yellow-fg}${escapeTags(name)} is recording this call{/yellow-fg}`);
  }
}

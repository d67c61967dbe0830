import { OWN_LINK_LOST } from '../client/call-types.js';
import type { ParticipantInfo } from '../protocol/index.js';

/** The `participant-left` reason of someone who left while this participant was away reconnecting (README). */
export const LEFT_WHILE_AWAY = 'left-while-reconnecting';

/** A `participant-joined` or `participant-left` line of the headless output. */
export type RosterLine =
  | ({ type: 'participant-joined' } & ParticipantInfo)
  | { type: 'participant-left'; id: number; name: string; reason: string };

/**
 * Who the headless output has said is in the room, so that its `participant-joined` and `participant-left` lines
 * mean what they say. The call empties its roster when our own link drops (a `participant-left` for everyone) and
 * fills it again from the rejoin's WELCOME without a word: a bot that greets and says goodbye said goodbye to
 * everyone, sent once back, to people who never left, and never heard of who came or went while it was away.
 * Here our own loss is not printed, and the rejoin prints the difference.
 */
export class HeadlessRoster {
  /** Name by id, as printed. */
  private readonly present = new Map<number, string>();

  /** A `participant-left` from the call: whether to print it (not when it is our own link that was lost). */
  left(id: number, reason: string): boolean {
    if (reason === OWN_LINK_LOST) return false;
    this.present.delete(id);
    return true;
  }

  joined(participant: ParticipantInfo): void {
    this.present.set(participant.id, participant.name);
  }

  /**
   * The room as a WELCOME lists it. On a rejoin, the lines to print after `joined`: who left meanwhile, then who came.
   * An id that now has another name (a restarted server numbers afresh) is someone who left and someone who came.
   */
  welcome(participants: readonly ParticipantInfo[], rejoined: boolean): RosterLine[] {
    const lines: RosterLine[] = [];
    if (rejoined) {
      const now = new Map(participants.map((p) => [p.id, p.name]));
      for (const [id, name] of this.present) {
        if (now.get(id) !== name) lines.push({ type: 'participant-left', id, name, reason: LEFT_WHILE_AWAY });
      }
      for (const p of participants) if (this.present.get(p.id) !== p.name) lines.push({ type: 'participant-joined', ...p });
    }
    this.present.clear();
    for (const p of participants) this.present.set(p.id, p.name);
    return lines;
  }
}

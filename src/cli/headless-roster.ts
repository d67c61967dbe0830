import { OWN_LINK_LOST } from '../client/call-types.js';
import { sameMediaState, type ParticipantInfo } from '../protocol/index.js';

/** The `participant-left` reason of someone who left while this participant was away reconnecting (README). */
export const LEFT_WHILE_AWAY = 'left-while-reconnecting';

/** A `participant-joined`, `participant-left` or `state` line of the headless output. */
export type RosterLine =
  | ({ type: 'participant-joined' } & ParticipantInfo)
  | ({ type: 'state' } & ParticipantInfo)
  | { type: 'participant-left'; id: number; name: string; reason: string };

/**
 * Who the headless output has said is in the room, and as what (muted, camera, recording), so that its
 * `participant-joined`, `participant-left` and `state` lines mean what they say. The call empties its roster when our
 * own link drops (a `participant-left` for everyone) and fills it again from the rejoin's WELCOME without a word: a
 * bot that greets and says goodbye said goodbye to everyone, sent once back, to people who never left, and never
 * heard of who came or went while it was away. Here our own loss is not printed, and the rejoin prints the difference.
 */
export class HeadlessRoster {
  /** Each one as printed last, by id. */
  private readonly present = new Map<number, ParticipantInfo>();

  /** A `participant-left` from the call: whether to print it (not when it is our own link that was lost). */
  left(id: number, reason: string): boolean {
    if (reason === OWN_LINK_LOST) return false;
    this.present.delete(id);
    return true;
  }

  /** A `participant-joined` or a `state` printed: them as they are now. */
  joined(participant: ParticipantInfo): void {
    this.present.set(participant.id, participant);
  }

  /**
   * The room as a WELCOME lists it. On a rejoin, the lines to print after `joined`: who left meanwhile, then who came,
   * then a `state` for each one still there whose microphone, camera or recording changed meanwhile (a bot that
   * follows `state` lines, say to know who records, would otherwise keep what was true before the drop).
   * An id that now has another name (a restarted server numbers afresh) is someone who left and someone who came.
   */
  welcome(participants: readonly ParticipantInfo[], rejoined: boolean): RosterLine[] {
    const lines: RosterLine[] = [];
    if (rejoined) {
      const now = new Map(participants.map((p) => [p.id, p.name]));
      for (const [id, { name }] of this.present) {
        if (now.get(id) !== name) lines.push({ type: 'participant-left', id, name, reason: LEFT_WHILE_AWAY });
      }
      for (const p of participants) if (this.present.get(p.id)?.name !== p.name) lines.push({ type: 'participant-joined', ...p });
      for (const p of participants) {
        const before = this.present.get(p.id);
        if (before?.name === p.name && !sameMediaState(before, p)) lines.push({ type: 'state', ...p });
      }
    }
    this.present.clear();
    for (const p of participants) this.present.set(p.id, p);
    return lines;
  }
}

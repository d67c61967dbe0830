import { mediaStateOf, sameMediaState, type ParticipantInfo, type StateMessage } from '../protocol/index.js';

/** Who is in the room as this participant knows it: the welcome's list, then joins, leaves and STATE changes. Pure. */
export class Roster {
  private readonly byId = new Map<number, ParticipantInfo>();

  get all(): ParticipantInfo[] {
    return [...this.byId.values()];
  }

  /** Nobody, or the welcome's list: whatever was known before is gone. */
  reset(participants: readonly ParticipantInfo[] = []): void {
    this.byId.clear();
    for (const p of participants) this.byId.set(p.id, { ...p });
  }

  add(participant: ParticipantInfo): void {
    this.byId.set(participant.id, participant);
  }

  remove(id: number): void {
    this.byId.delete(id);
  }

  /** A STATE from participant `id`: them as they are now, or undefined if it is nobody here or changes nothing. */
  applyState(id: number, state: StateMessage): ParticipantInfo | undefined {
    const p = this.byId.get(id);
    if (!p) return undefined;
    // Replaced whole: a participant whose microphone came back has no `noMicrophone` any more.
    const updated: ParticipantInfo = { id: p.id, name: p.name, ...mediaStateOf(state) };
    // A STATE that changes nothing (sent again after a rejoin, or as its join already said) is no news.
    if (sameMediaState(p, updated)) return undefined;
    this.byId.set(id, updated);
    return { ...updated };
  }
}

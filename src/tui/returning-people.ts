/**
 * Someone whose link dropped (a laptop that slept, Wi-Fi, a server restart, or our own link) comes back as a new
 * participant, with a new id, under the same name (names are unique in a room). What you had given them — the
 * spotlight — waits for them for as long as a client keeps reconnecting, so a blip does not undo it, and
 * their return is not announced (nor rung) as someone new joining. Pure: times are passed in.
 */

/** Whether the person who dropped out had the spotlight. (PaneGrid follows the focus: it moves on as they go.) */
export interface LeftBehind {
  spotlight: boolean;
}

/** A little over the two minutes a client keeps trying to reconnect (client/reconnect.ts). */
const KEEP_MS = 150_000;

export class ReturningPeople {
  private readonly byName = new Map<string, LeftBehind & { at: number }>();

  constructor(private readonly keepMs = KEEP_MS) {}

  /** `name` dropped out (not a leave they chose) with these settings. */
  dropped(name: string, settings: LeftBehind, now: number): void {
    this.byName.set(name, { ...settings, at: now });
  }

  /** `name` joined: what they left behind if they dropped out lately (once), else undefined (someone new). */
  returned(name: string, now: number): LeftBehind | undefined {
    const found = this.byName.get(name);
    this.byName.delete(name);
    for (const [other, left] of this.byName) if (now - left.at > this.keepMs) this.byName.delete(other);
    if (!found || now - found.at > this.keepMs) return undefined;
    return { spotlight: found.spotlight };
  }
}

/**
 * Resume tokens of participants who were in a call here (password and all), for a while after they were last in it:
 * one of them coming back after a dropped link is not locked out by failed logins from its address, which everyone
 * behind the same NAT shares (docs/protocol.md §4.2). A token counts only once the server welcomed someone with it,
 * so a made-up one buys nothing; the password is still asked. Pure, bounded, with the time passed in.
 */
export class ReturningParticipants {
  /** Token → when its participant was last in a call; oldest first (Map order). */
  private readonly lastInCall = new Map<string, number>();
  /** Tokens of participants in a call now: however long ago they joined, they are in it (a link that dropped unseen). */
  private readonly seated = new Set<string>();

  constructor(
    /** How long after leaving a token still counts: longer than a client keeps trying to reconnect (~2 min). */
    private readonly keepMs = 10 * 60_000,
    private readonly maxTokens = 10_000,
  ) {}

  /** The participant holding `token` joined a call: it counts for as long as they are in it. */
  joined(token: string): void {
    this.seated.add(token);
    this.lastInCall.delete(token);
  }

  /** The participant holding `token` left a call (or lost its seat): it counts for `keepMs` more. */
  left(token: string, now: number): void {
    this.seated.delete(token);
    this.lastInCall.delete(token);
    this.lastInCall.set(token, now);
    if (this.lastInCall.size > this.maxTokens) this.lastInCall.delete(this.lastInCall.keys().next().value!);
  }

  /** A wrong password came with `token`: it no longer counts (whoever holds it gets one guess past the limit, not more). */
  forget(token: string | undefined): void {
    if (token === undefined) return;
    this.lastInCall.delete(token);
    this.seated.delete(token);
  }

  /** Whether `token` belongs to someone in a call here now, or who was within `keepMs`. */
  knows(token: string | undefined, now: number): boolean {
    if (token === undefined) return false;
    if (this.seated.has(token)) return true;
    const at = this.lastInCall.get(token);
    return at !== undefined && now - at <= this.keepMs;
  }
}

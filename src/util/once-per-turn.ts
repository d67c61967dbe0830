/**
 * Runs a task once at the end of this event-loop turn (a `setImmediate`, after the turn's I/O), however often it is
 * asked for before then: a burst of events in one turn costs one screen update.
 */
export class OncePerTurn {
  private pending = false;

  constructor(private readonly task: () => void) {}

  request(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.task();
    });
  }
}

/** The last `capacity` values, none older than `maxAgeMs`: the jitter buffer's measuring window of arrivals. */
export class RecentValues {
  /** Oldest first. */
  readonly values: number[] = [];
  private readonly at: number[] = [];

  constructor(
    private readonly capacity: number,
    private readonly maxAgeMs: number,
  ) {}

  get size(): number {
    return this.values.length;
  }

  push(value: number, atMs: number): void {
    this.values.push(value);
    this.at.push(atMs);
    if (this.values.length > this.capacity) this.dropOldest();
  }

  /** Forgets what is older than `maxAgeMs` at `nowMs`. */
  expire(nowMs: number): void {
    while (this.at.length > 0 && this.at[0]! < nowMs - this.maxAgeMs) this.dropOldest();
  }

  clear(): void {
    this.values.length = 0;
    this.at.length = 0;
  }

  private dropOldest(): void {
    this.values.shift();
    this.at.shift();
  }
}

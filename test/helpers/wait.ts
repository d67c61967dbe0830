/**
 * Waits until `condition()` holds, checking every `everyMs`, and fails with `what` after `timeoutMs`. For state
 * that has no event of its own (a counter in another process, a file on disk); it bounds the wait, it does not
 * replace one.
 */
export async function until<T>(condition: () => T | Promise<T>, what: string, timeoutMs = 5000, everyMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Runs `fn` every `periodMs` for `durationMs` (a paced media sender), then resolves with how often it ran. After a
 * late timer it catches up, at most `maxPerTick` calls a timer tick (the sender's queue is flushed between ticks):
 * a device hands over what it buffered read by read, and a session's queue keeps only the newest video frame and
 * 200 ms of audio of what arrives at once, so a catch-up burst on a busy machine would lose frames at the sender.
 */
export function pace(periodMs: number, durationMs: number, fn: (i: number) => void, maxPerTick = Number.POSITIVE_INFINITY): Promise<number> {
  return new Promise((resolve) => {
    let i = 0;
    const start = Date.now();
    const timer = setInterval(() => {
      // Catch up after a late timer so the average rate is the one asked for.
      const due = Math.min(Math.floor((Date.now() - start) / periodMs), Math.ceil(durationMs / periodMs));
      for (let now = 0; i < due && now < maxPerTick; now++) fn(i++);
      if (Date.now() - start >= durationMs && i >= due) {
        clearInterval(timer);
        resolve(i);
      }
    }, Math.max(1, Math.floor(periodMs / 2)));
  });
}

/** Nearest-rank percentile of numbers (unsorted input is fine). */
export function percentileOf(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

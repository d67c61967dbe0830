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

/** Runs `fn` every `periodMs` for `durationMs` (a paced media sender), then resolves with how often it ran. */
export function pace(periodMs: number, durationMs: number, fn: (i: number) => void): Promise<number> {
  return new Promise((resolve) => {
    let i = 0;
    const start = Date.now();
    const timer = setInterval(() => {
      // Catch up after a late timer so the average rate is the one asked for.
      const due = Math.min(Math.floor((Date.now() - start) / periodMs), Math.ceil(durationMs / periodMs));
      while (i < due) fn(i++);
      if (Date.now() - start >= durationMs) {
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

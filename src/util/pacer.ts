/**
 * Calls `tick` at a fixed period on an absolute schedule, so timer drift does not accumulate. When the process was
 * busy and ticks were missed, it skips them rather than firing a burst: a real-time source must never queue stale
 * frames (SPEC §4).
 */
export interface Pacer {
  stop(): void;
}

export function startPacer(periodMs: number, tick: (tickIndex: number) => void): Pacer {
  const startedAt = performance.now();
  let nextIndex = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const schedule = (): void => {
    if (stopped) return;
    const now = performance.now();
    const due = startedAt + nextIndex * periodMs;
    timer = setTimeout(run, Math.max(0, due - now));
  };
  const run = (): void => {
    if (stopped) return;
    const elapsedTicks = Math.floor((performance.now() - startedAt) / periodMs);
    // Skip the ticks we were too late for; fire only the newest.
    if (elapsedTicks > nextIndex) nextIndex = elapsedTicks;
    tick(nextIndex);
    nextIndex += 1;
    schedule();
  };
  schedule();
  return {
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/**
 * Calls `tick` at a fixed period on an absolute schedule, so timer drift does not accumulate. When the process was
 * busy and ticks were missed, it skips them rather than firing a burst: a real-time source must never queue stale
 * frames (SPEC §4). An audio source may ask to catch up a few: a microphone's buffer holds what was captured while
 * nobody read it, and a timer 21 ms late must not cut a 20 ms hole into a voice.
 */
export interface Pacer {
  stop(): void;
}

export interface PacerOptions {
  /** How many missed ticks to fire late, oldest first, before skipping older ones. Default 0: fire only the newest. */
  catchUpTicks?: number;
}

/**
 * Which ticks a pacer fires when it wakes: from the next one it owes (or the oldest it may still catch up) to the one
 * whose time has come. Always at least `nextIndex`: a timer that woke a hair early still fires the tick it was for.
 */
export function ticksDue(nextIndex: number, elapsedTicks: number, catchUpTicks: number): { first: number; last: number } {
  const first = Math.max(nextIndex, elapsedTicks - catchUpTicks);
  return { first, last: Math.max(first, elapsedTicks) };
}

/**
 * Starts the schedule. `tick` gets the tick's index and how many ticks after it are fired in the same wake-up (0 for
 * the one whose time has come; more for ticks caught up late).
 */
export function startPacer(
  periodMs: number,
  tick: (tickIndex: number, behind: number) => void,
  opts: PacerOptions = {},
): Pacer {
  const catchUpTicks = opts.catchUpTicks ?? 0;
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
    const { first, last } = ticksDue(nextIndex, elapsedTicks, catchUpTicks);
    for (let index = first; index <= last && !stopped; index++) tick(index, last - index);
    nextIndex = last + 1;
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

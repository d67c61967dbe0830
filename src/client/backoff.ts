/**
 * Reconnect delay for attempt `attempt` (0-based): exponential from `baseMs` up to `maxMs`, with full jitter
 * (AWS "Exponential Backoff and Jitter"), so a room of clients that lost the server does not return in lockstep.
 * Pure: `random` is injected.
 */
export function backoffDelayMs(attempt: number, baseMs = 500, maxMs = 10_000, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(random() * ceiling);
}

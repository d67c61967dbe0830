/** How the chat shows when a line was said, pure: the time on each line, the day on a line of its own. */

/** "09:41", local time. */
export function clock(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** The local day of `ts` as "2026-12-07": days compare as these strings do. */
export function dayOf(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** "Monday 7 December 2026", local time: the line above a day's first line when it is not the day before's. */
export function dayText(ts: number): string {
  return DAY_FORMAT.formatToParts(new Date(ts)).filter((part) => part.type !== 'literal').map((part) => part.value).join(' ');
}

/**
 * A chat stamp (`serverTs`, on the server's clock as this call estimates it: `serverNowMs` now) in this machine's
 * wall time (`localNowMs`, Date.now), to show. The server stamps on a clock that keeps running from its process start
 * (util/clock.ts), which a wall clock set since leaves behind: a server whose clock NTP put an hour forward after it
 * started stamped others' lines an hour before yours, for as long as it ran.
 */
export function localChatTime(serverTs: number, serverNowMs: number, localNowMs: number): number {
  return serverTs + (localNowMs - serverNowMs);
}

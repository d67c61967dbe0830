import { escapeTags, visibleLength } from './pane-view.js';
import { fitGraphemes, textColumns } from './text-width.js';

/** The status bar's text, pure (blessed tags), so it can be tested without a terminal. */
export interface StatusInfo {
  room: string;
  address: string;
  tlsFingerprint: string | undefined;
  connection: 'connecting' | 'joined' | 'reconnecting' | 'ended';
  /** While (re)connecting after a failed attempt: why it failed and the next try (connect-progress.ts). */
  connectionDetail?: { long: string; short: string } | undefined;
  participants: number;
  muted: boolean;
  cameraOff: boolean;
  /** No microphone or camera at all (nothing to turn on). */
  noMicrophone?: true;
  noCamera?: true;
  /** Push-to-talk (`--transmit ptt`): whether the talk key is down. */
  pushToTalk?: 'down' | 'up';
  /** You receive no video (the `a` key, `--receive-video off`). */
  audioOnly?: boolean;
  /** The chat line is open: the call keys are off, so its own keys are the hints (a host's join line too gives way). */
  chatOpen?: boolean;
  /** The password line shows: every key is the password's, so its keys are the hints. */
  passwordOpen?: boolean;
  /** Keys wait for the server's first answer (they may be a password typed ahead): only Ctrl-C acts now. */
  keysHeld?: boolean;
  rttMs: number | null;
  inKbps: number;
  inFps: number;
  outKbps: number;
  colorMode: string;
  /** For the host: the exact line others type to join. */
  joinLine: string | undefined;
}

/**
 * The two status lines for a `width`-column terminal. When the first does not fit, its parts go least useful first:
 * the colour mode, the traffic figures, the RTT, the server's address, the TLS fingerprint (not the word TLS), and last
 * the end of a long room name; the call state, who is here and your microphone and camera always show.
 */
export function statusLines(info: StatusInfo, width = Number.POSITIVE_INFINITY): [string, string] {
  const state =
    info.connection === 'joined'
      ? '{green-fg}●{/green-fg} in call'
      : info.connection === 'reconnecting'
        ? '{yellow-fg}● reconnecting…{/yellow-fg}'
        : info.connection === 'connecting'
          ? '{yellow-fg}● connecting…{/yellow-fg}'
          : '{red-fg}● call ended{/red-fg}';
  const lock = info.tlsFingerprint ? ` {green-fg}TLS{/green-fg} ${escapeTags(shortFingerprint(info.tlsFingerprint))}` : ' {yellow-fg}no TLS{/yellow-fg}';
  const room = `{bold}${escapeTags(info.room)}{/bold}`;
  const where = `${room} @ ${escapeTags(info.address)}${lock}`;
  const people = `${info.participants} here`;
  const microphone = microphoneText(info);
  const camera = info.noCamera ? 'no cam' : info.cameraOff ? '{red-fg}cam OFF{/red-fg}' : 'cam on';
  const media = `${microphone} ${camera}${info.audioOnly ? ' {yellow-fg}audio only{/yellow-fg}' : ''}`;
  const rtt = `RTT ${info.rttMs === null ? '–' : `${info.rttMs.toFixed(info.rttMs < 10 ? 1 : 0)} ms`}`;
  const traffic = `↓${Math.round(info.inKbps)} kbit/s ${info.inFps.toFixed(0)} fps ↑${Math.round(info.outKbps)} kbit/s`;
  // Fullest first; the first that fits shows. While (re)connecting after a failed attempt, why it failed and when the
  // next try comes go first: there is no call to describe yet.
  const detail = info.connectionDetail;
  const retrying = (text: string): string => `{yellow-fg}● ${info.connection}… ${escapeTags(text)}{/yellow-fg}`;
  const candidates = [
    ...(detail
      ? [
          [retrying(detail.long), where, people, media],
          [retrying(detail.long), `${room}${lock}`, media],
          [retrying(detail.short), where, people, media],
          [retrying(detail.short), `${room}${lock}`, media],
        ]
      : []),
    [state, where, people, media, rtt, traffic, info.colorMode],
    [state, where, people, media, rtt, traffic],
    [state, where, people, media, rtt],
    [state, where, people, media],
    [state, `${room}${lock}`, people, media],
  ].map(statusRow);
  const first =
    candidates.find((line) => visibleLength(line) <= width) ??
    narrowestStatus(info, width, detail ? retrying(detail.short) : state, media, people);
  const second = info.passwordOpen ? PASSWORD_HINTS : info.keysHeld ? heldHints(info.joinLine !== undefined) : info.chatOpen ? chatHints(width) : info.joinLine ? joinHint(info.joinLine, width) : keyHints(info.pushToTalk !== undefined, width);
  return [first, ` ${second}`];
}

const statusRow = (parts: readonly string[]): string => ` ${parts.join(' │ ')}`;

/**
 * The status line when even the room with its full TLS mark does not fit beside the rest (a long room over TLS on 80
 * columns): the fingerprint goes, then the room's name is cut with `…`, so your microphone and camera stay in view.
 */
function narrowestStatus(info: StatusInfo, width: number, head: string, media: string, people: string): string {
  const tls = info.tlsFingerprint ? ' {green-fg}TLS{/green-fg}' : ' {yellow-fg}no TLS{/yellow-fg}';
  // While (re)connecting nobody is counted: the room is not joined yet.
  const row = (room: string): string =>
    statusRow(info.connectionDetail ? [head, `${room}${tls}`, media] : [head, `${room}${tls}`, people, media]);
  const whole = row(`{bold}${escapeTags(info.room)}{/bold}`);
  const spare = width - visibleLength(row(''));
  if (visibleLength(whole) <= width || spare < 2) return whole;
  return row(`{bold}${escapeTags(fitGraphemes(info.room, spare - 1, textColumns))}…{/bold}`);
}

const PASSWORD_HINTS = 'Enter join  Esc give up';
/**
 * Not `q leave`: a q typed now waits with the other keys, for a password box that may come. A host's Ctrl-C ends the
 * call for everyone, and says so, as the too-small notice does.
 */
function heldHints(hosting: boolean): string {
  return `Ctrl-C ${hosting ? 'end call' : 'leave'}  (keys typed now wait for the server to answer)`;
}

/** Key hints, least needed left out first when the row is narrow: `? help` and `q leave` always show. */
function keyHints(pushToTalk: boolean, width: number): string {
  const hints = [...(pushToTalk ? ['Space talk'] : []), 'm mute', 'v camera', 'c chat', 'Tab focus', 'f spotlight', 's stats', '? help', 'q leave'];
  for (const spare of ['f spotlight', 'Tab focus', 's stats', 'v camera', 'c chat']) {
    if (visibleLength(` ${hints.join('  ')}`) <= width) break;
    hints.splice(hints.indexOf(spare), 1);
  }
  return hints.join('  ');
}

/** The chat line's keys while it is open, scrolling then history left out first when the row is narrow. */
function chatHints(width: number): string {
  const hints = ['Enter send', 'Esc close', '↑ history', 'PgUp/PgDn scroll', 'End newest'];
  for (const spare of ['End newest', 'PgUp/PgDn scroll', '↑ history']) {
    if (visibleLength(` ${hints.join('  ')}`) <= width) break;
    hints.splice(hints.indexOf(spare), 1);
  }
  return hints.join('  ');
}

/** Your microphone in the status bar: none, muted, push-to-talk's key down or up, or on. */
function microphoneText(info: StatusInfo): string {
  if (info.noMicrophone) return 'no mic';
  if (info.muted) return '{red-fg}mic OFF{/red-fg}';
  if (info.pushToTalk === 'down') return '{green-fg}{bold}talking{/bold}{/green-fg}';
  if (info.pushToTalk === 'up') return 'hold Space to talk';
  return 'mic on';
}

const JOIN_PREFIX = 'others join with: ';

/** The host's join line as the status bar, the chat and the help show it (blessed tags). */
export function joinText(joinLine: string): string {
  return `${JOIN_PREFIX}{bold}${escapeTags(joinLine)}{/bold}`;
}

/**
 * The host's join line, with a pointer to the keys where it fits (the row the keys take for everyone else), or as much
 * of the line as fits with a pointer to the help overlay, which shows it whole.
 */
function joinHint(joinLine: string, width: number): string {
  const whole = joinText(joinLine);
  // The keys give way one by one, y first (the help says it), so that a host at 80 columns still sees ? and q.
  for (const keys of ['y copy  ? keys  q end call', '? keys  q end call', '? keys']) {
    const withKeys = `${whole}  │ ${keys}`;
    if (visibleLength(withKeys) + 1 <= width) return withKeys;
  }
  if (visibleLength(whole) + 1 <= width) return whole;
  const tail = ' (y copies it whole)';
  // Cut short (a --tls line is longer than 80 columns), it still names ? (and q, from about 100 columns) where some of
  // the address fits beside it: without them a TLS host's bottom row named no key to find the others by, q included.
  for (const keys of ['  │ ? keys  q end call', '  │ ? keys', '']) {
    const room = width - 1 - JOIN_PREFIX.length - 1 - tail.length - keys.length;
    if (room >= MIN_JOIN_CUT || keys === '') {
      // Not ending in a flag's first dashes (`… 192.0.2.10:7447 -…`): read as part of the command, they mislead.
      const cut = joinLine.slice(0, Math.max(0, room)).replace(/\s+-*$/, '');
      return `${JOIN_PREFIX}{bold}${escapeTags(cut)}…{/bold}${tail}${keys}`;
    }
  }
  return whole;
}

/** The least of a cut join line worth showing beside `? keys`: `livecomm-tui connect` and the start of an address. */
const MIN_JOIN_CUT = 24;

export function shortFingerprint(fingerprint: string): string {
  return fingerprint.length > 19 ? `${fingerprint.slice(0, 19)}…` : fingerprint;
}

/**
 * The status bar's incoming frame rate: the mean over the streams whose video arrived in the window — someone
 * without a camera, or with it off, is not a stream running at 0 fps.
 */
export function incomingVideoFps(streams: ReadonlyArray<{ video: { fps: number; frames: number } }>): number {
  const showing = streams.filter((s) => s.video.frames > 0);
  return showing.length ? showing.reduce((sum, s) => sum + s.video.fps, 0) / showing.length : 0;
}

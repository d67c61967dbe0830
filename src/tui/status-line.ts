/** The status bar's text, pure (blessed tags), so it can be tested without a terminal. */
export interface StatusInfo {
  room: string;
  address: string;
  tlsFingerprint: string | undefined;
  connection: 'connecting' | 'joined' | 'reconnecting' | 'ended';
  participants: number;
  muted: boolean;
  cameraOff: boolean;
  rttMs: number | null;
  inKbps: number;
  inFps: number;
  outKbps: number;
  colorMode: string;
  /** For the host: the exact line others type to join. */
  joinLine: string | undefined;
}

const esc = (text: string): string => text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));

export function statusLines(info: StatusInfo): [string, string] {
  const state =
    info.connection === 'joined'
      ? '{green-fg}●{/green-fg} in call'
      : info.connection === 'reconnecting'
        ? '{yellow-fg}● reconnecting…{/yellow-fg}'
        : info.connection === 'connecting'
          ? '{yellow-fg}● connecting…{/yellow-fg}'
          : '{red-fg}● call ended{/red-fg}';
  const lock = info.tlsFingerprint ? ` {green-fg}TLS{/green-fg} ${esc(shortFingerprint(info.tlsFingerprint))}` : ' {yellow-fg}no TLS{/yellow-fg}';
  const parts = [
    state,
    `{bold}${esc(info.room)}{/bold} @ ${esc(info.address)}${lock}`,
    `${info.participants} here`,
    `${info.muted ? '{red-fg}mic OFF{/red-fg}' : 'mic on'} ${info.cameraOff ? '{red-fg}cam OFF{/red-fg}' : 'cam on'}`,
    `RTT ${info.rttMs === null ? '–' : `${info.rttMs.toFixed(info.rttMs < 10 ? 1 : 0)} ms`}`,
    `↓${Math.round(info.inKbps)} kbit/s ${info.inFps.toFixed(0)} fps ↑${Math.round(info.outKbps)} kbit/s`,
    info.colorMode,
  ];
  const second = info.joinLine
    ? `others join with: {bold}${esc(info.joinLine)}{/bold}`
    : 'm mute  v camera  c chat  Tab focus  f spotlight  s stats  ? help  q leave';
  return [` ${parts.join(' │ ')}`, ` ${second}`];
}

export function shortFingerprint(fingerprint: string): string {
  return fingerprint.length > 19 ? `${fingerprint.slice(0, 19)}…` : fingerprint;
}

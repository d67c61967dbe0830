import blessed from 'blessed';
import type { CallStats } from '../client/call-types.js';
import type { StateMessage } from '../protocol/index.js';
import { KEY_HELP } from './keys.js';
import { STATUS_ROWS } from './layout.js';
import { escapeTags, visibleLength } from './pane-view.js';

/**
 * Word-wraps one line of tagged text to `width` columns, so an overlay on an 80-column terminal breaks between words,
 * not inside them. Continuation lines start at column `hang` (under the value, not the label). Runs of spaces inside
 * a line (the columns of a row) are kept; a single word wider than a line is left for blessed to cut.
 */
export function wrapLine(line: string, width: number, hang: number): string[] {
  if (visibleLength(line) <= width) return [line];
  const out: string[] = [];
  let current = '';
  let used = 0;
  for (const [, spaces = '', word = ''] of line.matchAll(/(\s*)(\S+)/g)) {
    const wordWidth = visibleLength(word);
    if (used > hang && used + spaces.length + wordWidth > width) {
      out.push(current);
      current = ' '.repeat(hang) + word;
      used = hang + wordWidth;
    } else {
      current += spaces + word;
      used += spaces.length + wordWidth;
    }
  }
  out.push(current);
  return out;
}

/**
 * Wraps every line to `width`, continuation lines two columns in from the line's own indent. A stats line's figures
 * are two spaces apart (`lost 0  jitter buffer 40 ms`): a row breaks between figures where one fits on the next row, so
 * a figure's name never ends a row with its number alone below it; only a figure wider than the box breaks inside.
 */
function wrapLines(lines: string[], width: number): string {
  return lines.flatMap((line) => wrapFigures(line, width, (/^ */.exec(line)?.[0].length ?? 0) + 2)).join('\n');
}

function wrapFigures(line: string, width: number, hang: number): string[] {
  if (visibleLength(line) <= width) return [line];
  const rows: string[] = [];
  let current = '';
  for (const [, spaces = '', figure = ''] of line.matchAll(/( *)(\S+(?: \S+)*)/g)) {
    const figureWidth = visibleLength(figure);
    const overflows = visibleLength(current) + spaces.length + figureWidth > width;
    if (current.trim() !== '' && overflows && hang + figureWidth <= width) {
      rows.push(current);
      current = ' '.repeat(hang) + figure;
    } else {
      current += spaces + figure;
    }
  }
  rows.push(current);
  return rows.flatMap((row) => wrapLine(row, width, hang));
}

/**
 * Help overlay text (blessed tags), wrapped to `width` columns: a wrapped action stays in the action column. A host's
 * overlay starts with the line others type to join.
 */
export function helpText(width = Number.POSITIVE_INFINITY, joinLine?: string): string {
  const keysWidth = Math.max(...KEY_HELP.map(([k]) => k.length));
  // Hosting: the whole join line, which a narrow status bar has to cut, as a command to copy whole.
  const join = joinLine ? [...joinCommandLines(joinLine, width), ''] : [];
  return [
    ...join,
    // How to scroll and close it first: on a small terminal the end of the help is below the box.
    ...wrapLine('{bold}livecomm-tui keys{/bold}  {grey-fg}(PgUp/PgDn or the wheel scroll; any other key closes this help){/grey-fg}', width, 2),
    '',
    // The copy key only where there is a join line to copy: a guest's help is long enough.
    ...KEY_HELP.filter(([keys]) => joinLine !== undefined || keys !== 'y').flatMap(([keys, action]) =>
      wrapLine(`  {yellow-fg}${escapeTags(keys.padEnd(keysWidth))}{/yellow-fg}  ${escapeTags(action)}`, width, keysWidth + 4),
    ),
    '',
    ...wrapLine('{grey-fg}Call keys are off while the chat line is open: Esc closes it.{/grey-fg}', width, 0),
  ].join('\n');
}

/**
 * The join line as shell lines to copy: whole when it fits, else broken only between its words with a trailing
 * backslash (a shell joins such lines), so a fingerprint is never cut and a paste runs as one command.
 */
export function joinCommandLines(joinLine: string, width: number): string[] {
  const lines = ['others join with (y copies it, or select it with the mouse):'];
  const indent = '  ';
  let line = indent;
  for (const word of joinLine.split(' ')) {
    if (line.trim() !== '' && line.length + 1 + word.length + 2 > width) {
      lines.push(`${line} \\`);
      line = `${indent}  `;
    }
    line += line.endsWith(' ') ? word : ` ${word}`;
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `{bold}${escapeTags(l)}{/bold}`));
}

export interface StatsExtras {
  resolutionOf(id: number): string;
  jitterDelayMs(id: number): number | undefined;
  videoBytesPerSecond: number;
  flushesSkipped: number;
  /** How long the terminal took to read a frame and answer (terminal-pacer.ts); undefined when it does not answer. */
  terminalRoundTripMs?: number | undefined;
  /** You chose audio only: no video is coming. */
  audioOnly?: boolean;
  /** Your own microphone and camera: muted, off, or none at all say more than the sender's settings. */
  self?: StateMessage;
}

/** Stats overlay text: one block per remote participant, wrapped to `width` columns. */
export function statsText(stats: CallStats | undefined, extras: StatsExtras, width = Number.POSITIVE_INFINITY): string {
  const lines = ['{bold}call statistics{/bold} (last 2 s)', ''];
  if (!stats || stats.streams.length === 0) lines.push('  nobody else is here yet');
  for (const s of stats?.streams ?? []) {
    const jitter = extras.jitterDelayMs(s.id);
    lines.push(`  {bold}${escapeTags(s.name)}{/bold}`);
    lines.push(
      extras.audioOnly
        ? '    video not received (audio only; a: video again)'
        : `    video ${s.video.fps.toFixed(1)} fps  ${extras.resolutionOf(s.id)}  ${Math.round(s.video.kbps)} kbit/s  ` +
            `latency p50 ${fmt(s.video.latencyP50Ms)} p95 ${fmt(s.video.latencyP95Ms)}  dropped ${s.video.framesDropped}`,
    );
    lines.push(
      `    audio ${s.audio.fps.toFixed(0)} frames/s  ${Math.round(s.audio.kbps)} kbit/s  latency p50 ${fmt(s.audio.latencyP50Ms)}  ` +
        `lost ${s.audio.framesDropped}  jitter buffer ${jitter === undefined ? '–' : `${Math.round(jitter)} ms`}`,
    );
  }
  lines.push('');
  lines.push(
    `  you: RTT ${fmt(stats?.rttMs ?? null)}  uplink ${Math.round(stats?.uplinkKbps ?? 0)} kbit/s  ` +
      `video frames skipped (slow uplink) ${stats?.videoFramesSkipped ?? 0}`,
  );
  const send = stats?.videoSend;
  const self = extras.self;
  if (self?.noCamera) lines.push('  your video: none (no camera; --video chooses a source)');
  else if (self?.cameraOff) lines.push('  your video: camera off (v: on)');
  else if (send) {
    lines.push(
      send.paused
        ? '  your video: {yellow-fg}paused to protect audio{/yellow-fg} (a receiver or your uplink is congested)'
        : `  your video: ${send.fps} fps, quality ${send.quality} (for ${send.bitrateKbps} kbit/s), ${send.scale === 1 ? 'full size' : `${Math.round(send.scale * 100)}% size`}` +
            (send.step > 0 ? ' {yellow-fg}(stepped down: congestion){/yellow-fg}' : ''),
    );
  }
  const audio = stats?.audioSend;
  if (audio?.reopening) lines.push('  your audio: none for now (the microphone was lost; it is being opened again)');
  else if (self?.noMicrophone || (audio && audio.source === null)) lines.push('  your audio: none (no microphone; --audio chooses a source)');
  else if (audio) {
    lines.push(
      self?.muted
        ? '  your audio: muted (m: unmute)'
        : audio.transmit === 'continuous'
          ? '  your audio: sent all the time (--transmit continuous)'
          : audio.transmit === 'ptt'
            ? `  your audio: push-to-talk (hold Space), ${audio.sending ? 'sending now' : 'not sending'}`
            : `  your audio: sent while you talk (voice activity), ${audio.sending ? 'sending now' : 'not sending: silent'}`,
    );
    if (audio.source) lines.push(`  your audio source: ${escapeTags(audio.source)}`);
    const echo = audio.echoCancellation;
    if (echo) {
      lines.push(
        echo.echoLeftDb > -10
          ? '  echo cancellation: learning (the echo is turned down while only the others talk)'
          : `  echo cancellation: their echo ${Math.round(-echo.echoLeftDb)} dB down` +
              (echo.pathChanges > 0 ? `, learnt anew ${echo.pathChanges}×` : '') +
              (echo.pathShifts > 0 ? `, followed its delay ${echo.pathShifts}×` : ''),
      );
    }
  }
  lines.push(
    `  terminal: ${(extras.videoBytesPerSecond / 1024).toFixed(0)} KiB/s of video, ${extras.flushesSkipped} frames skipped (terminal behind)` +
      (extras.terminalRoundTripMs === undefined ? '' : `, reads a frame in ${roundedMs(extras.terminalRoundTripMs)} ms`),
  );
  lines.push('', '{grey-fg}s or Esc closes, PgUp/PgDn scroll{/grey-fg}');
  return wrapLines(lines, width);
}

function fmt(ms: number | null): string {
  return ms === null ? '–' : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

/** `password`: the password line (password-entry.ts), which takes every key while it shows (key-router.ts). */
export type OverlayKind = 'help' | 'stats' | 'confirm-leave' | 'password';

/** The question before a host leaves (which ends the call for everyone). */
export const CONFIRM_LEAVE_TEXT = '{bold}You are hosting.{/bold} Leaving ends the call for everyone.\n\nLeave? {bold}y{/bold} / {bold}n{/bold}';
/** The same question in a box too small for it (a terminal too small for the call): y must not go unasked. */
const CONFIRM_LEAVE_SHORT = '{bold}End the call for everyone?{/bold} y / n';

/** A guest's leave question (after Alt-q, which may have been pressed by mistake). */
const CONFIRM_GUEST_LEAVE = '{bold}Leave the call?{/bold} y / n';

/**
 * The leave question for a box `width` columns wide in a `rows`-row terminal: whole where it fits, else short.
 * `hosting`: leaving ends the call for everyone; else a guest's (Alt-q).
 */
export function confirmLeaveText(width: number, rows: number, hosting = true): string {
  if (!hosting) return CONFIRM_GUEST_LEAVE;
  const room = Math.min(CONFIRM_LEAVE_ROWS, rows) - 2;
  const fits = (text: string): boolean => text.split('\n').flatMap((line) => wrapLine(line, width, 0)).length <= room;
  return fits(CONFIRM_LEAVE_TEXT) ? CONFIRM_LEAVE_TEXT : CONFIRM_LEAVE_SHORT;
}

/**
 * What a key does while an overlay shows: y leaves and anything else cancels the leave question; PgUp/PgDn scroll help
 * and stats (a big room's stats or an 80×24 help can be longer than the box); y closes help and copies, any other key
 * closes it; Esc closes stats, and other keys (s included, which toggles it) work as call keys underneath.
 */
export function overlayKeyAction(
  kind: OverlayKind, ch: string | undefined, keyName: string | undefined,
): 'leave' | 'close' | 'close-and-pass' | 'pass' | 'scroll-up' | 'scroll-down' {
  if (kind === 'confirm-leave') return ch === 'y' || ch === 'Y' ? 'leave' : 'close';
  if (keyName === 'pageup') return 'scroll-up';
  if (keyName === 'pagedown') return 'scroll-down';
  // y copies the join command the host's help shows; what it did shows in the chat, so the help closes first.
  if (kind === 'help') return ch === 'y' ? 'close-and-pass' : 'close';
  return keyName === 'escape' ? 'close' : 'pass';
}

/** Rows of the leave question's box: its border and five lines (its three, or four or five wrapped in a narrow box). */
const CONFIRM_LEAVE_ROWS = 7;

/** Border and padding of the overlay box, left and right together. */
const OVERLAY_FRAME_COLUMNS = 4;

/**
 * The overlay box's width on a `screenCols`-wide terminal: 80 % of a wide one, nearly all of a narrow one (the help's
 * rows need ~80 columns, and an 80-column terminal is the common default).
 */
export function overlayWidth(screenCols: number): number {
  return Math.max(1, Math.min(screenCols - 2, Math.max(Math.round(screenCols * 0.8), 90)));
}

/** The overlay box's height for `lines` of text: at least 70 % of the screen, more when the text needs it. */
export function overlayHeight(screenRows: number, lines: number): number {
  return Math.max(3, Math.min(screenRows - STATUS_ROWS, Math.max(Math.round(screenRows * 0.7), lines + 2)));
}

/** The one box over the call for help, stats, the leave question or the password; at most one shows at a time. */
export class Overlay {
  private readonly box: blessed.Widgets.BoxElement;
  private shown: { kind: OverlayKind; render: (width: number) => string; fullWidth: boolean } | undefined;

  constructor(private readonly screen: blessed.Widgets.Screen) {
    this.box = blessed.box({
      parent: screen, top: 'center', left: 'center', width: '80%', height: '70%', border: { type: 'line' }, tags: true,
      padding: { left: 1, right: 1 }, hidden: true, style: { border: { fg: 'yellow' }, bg: 'black' }, scrollable: true,
      // The wheel scrolls a help longer than the box, as PgUp/PgDn do: the text itself, with each turn. (blessed's
      // default moves an unseen cursor first, down to the box's last row: the first turns, and the first turns back
      // up, showed nothing.)
      mouse: true, alwaysScroll: true,
    });
  }

  /** What shows now, if anything. */
  get kind(): OverlayKind | undefined {
    return this.shown?.kind;
  }

  /**
   * Shows `kind`, its text made by `render` for the width inside the box; `fullWidth`: across the whole screen, with
   * no side borders, so that a mouse selection of several of its rows (a join command) holds nothing but their text.
   */
  show(kind: OverlayKind, render: (width: number) => string, fullWidth = false): void {
    const again = this.shown?.kind === kind;
    this.shown = { kind, render, fullWidth };
    this.fit();
    // Stats are re-shown every 2 s: keep the reader's place.
    if (!again) this.box.setScroll(0);
    this.box.show();
    this.box.setFront();
  }

  /** After a resize: the box and its text follow the new size. */
  fit(): void {
    if (!this.shown) return;
    const cols = this.screen.width as number;
    const { fullWidth } = this.shown;
    const width = fullWidth ? cols : overlayWidth(cols);
    // One column spare: blessed breaks a tagged line that fills the box exactly (it counts the closing tag's escape as
    // more text and breaks at the last space: "Esc give" above "up").
    const content = this.shown.render(width - OVERLAY_FRAME_COLUMNS - 1);
    this.box.width = width;
    this.box.left = Math.floor((cols - width) / 2);
    // Without side borders blessed leaves those columns blank: a row holds text and spaces only.
    const border = this.box.border as { left: boolean; right: boolean };
    border.left = border.right = !fullWidth;
    const rows = this.screen.height as number;
    const lines = content.split('\n').length;
    const { kind } = this.shown;
    // The short ones as tall as their text, not 70 % of the screen over the call.
    const height = kind === 'confirm-leave' ? Math.min(CONFIRM_LEAVE_ROWS, rows) : kind === 'password' ? Math.min(lines + 2, rows) : overlayHeight(rows, lines);
    this.box.height = height;
    // Centred above the status bar, not on the screen: it covered the bar's first row, all but its last character.
    this.box.top = Math.max(0, Math.floor((rows - STATUS_ROWS - height) / 2));
    this.box.setContent(content);
  }

  /**
   * Back in front of what was put in front of it since it opened: the too-small notice (which covered the leave
   * question, so y ended a call nobody had been asked about) and panes of people who joined.
   */
  raise(): void {
    if (this.shown) this.box.setFront();
  }

  /**
   * Rows PgUp/PgDn move: the rows in view less one, as the chat pages (a fixed 5 crawled through a tall help and
   * skipped rows in a short one).
   */
  get pageRows(): number {
    return Math.max(1, (this.box.height as number) - (this.box.iheight as number) - 1);
  }

  /** PgUp/PgDn: the text is longer than the box. */
  scroll(lines: number): void {
    this.box.scroll(lines, true);
  }

  hide(): void {
    this.shown = undefined;
    this.box.hide();
  }
}

/** 0.4, 9.6, 182: a tenth of a millisecond where that is what tells a local terminal from a link. */
function roundedMs(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

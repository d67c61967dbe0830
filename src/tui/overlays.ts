import blessed from 'blessed';
import type { CallStats } from '../client/call.js';
import { KEY_HELP } from './keys.js';
import { escapeTags } from './pane-view.js';

/** Help overlay text (blessed tags). */
export function helpText(): string {
  const width = Math.max(...KEY_HELP.map(([k]) => k.length));
  return [
    '{bold}livecomm-tui keys{/bold}',
    '',
    ...KEY_HELP.map(([keys, action]) => `  {yellow-fg}${escapeTags(keys.padEnd(width))}{/yellow-fg}  ${escapeTags(action)}`),
    '',
    '{grey-fg}Call keys are off while you type in the chat line. Any key closes this help.{/grey-fg}',
  ].join('\n');
}

export interface StatsExtras {
  resolutionOf(id: number): string;
  jitterDelayMs(id: number): number | undefined;
  videoBytesPerSecond: number;
  flushesSkipped: number;
}

/** Stats overlay text: one block per remote participant. */
export function statsText(stats: CallStats | undefined, extras: StatsExtras): string {
  const lines = ['{bold}call statistics{/bold} (last 2 s)', ''];
  if (!stats || stats.streams.length === 0) lines.push('  nobody else is here yet');
  for (const s of stats?.streams ?? []) {
    const jitter = extras.jitterDelayMs(s.id);
    lines.push(`  {bold}${escapeTags(s.name)}{/bold}`);
    lines.push(
      `    video ${s.video.fps.toFixed(1)} fps  ${extras.resolutionOf(s.id)}  ${Math.round(s.video.kbps)} kbit/s  ` +
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
  if (send) {
    lines.push(
      send.paused
        ? '  your video: {yellow-fg}paused to protect audio{/yellow-fg} (a receiver or your uplink is congested)'
        : `  your video: ${send.fps} fps, quality ${send.quality}, ${send.scale === 1 ? 'full size' : `${Math.round(send.scale * 100)}% size`}` +
            (send.step > 0 ? ' {yellow-fg}(stepped down: congestion){/yellow-fg}' : ''),
    );
  }
  lines.push(
    `  terminal: ${(extras.videoBytesPerSecond / 1024).toFixed(0)} KiB/s of video, ${extras.flushesSkipped} frames skipped (terminal behind)`,
  );
  lines.push('', '{grey-fg}s or Esc closes{/grey-fg}');
  return lines.join('\n');
}

function fmt(ms: number | null): string {
  return ms === null ? '–' : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export type OverlayKind = 'help' | 'stats' | 'confirm-leave';

/** The question before a host leaves (which ends the call for everyone). */
export const CONFIRM_LEAVE_TEXT = '{bold}You are hosting.{/bold} Leaving ends the call for everyone.\n\nLeave? {bold}y{/bold} / {bold}n{/bold}';

/**
 * What a key does while an overlay shows: any key closes help; y leaves and anything else cancels the leave
 * question; Esc closes stats, and other keys (s included, which toggles it) work as call keys underneath.
 */
export function overlayKeyAction(kind: OverlayKind, ch: string | undefined, keyName: string | undefined): 'leave' | 'close' | 'pass' {
  if (kind === 'confirm-leave') return ch === 'y' || ch === 'Y' ? 'leave' : 'close';
  if (kind === 'help') return 'close';
  return keyName === 'escape' ? 'close' : 'pass';
}

/** The one box over the call for help, stats or the leave question; at most one shows at a time. */
export class Overlay {
  private readonly box: blessed.Widgets.BoxElement;
  private shown: OverlayKind | undefined;

  constructor(screen: blessed.Widgets.Screen) {
    this.box = blessed.box({
      parent: screen, top: 'center', left: 'center', width: '80%', height: '70%', border: { type: 'line' }, tags: true,
      padding: { left: 1, right: 1 }, hidden: true, style: { border: { fg: 'yellow' }, bg: 'black' }, scrollable: true,
    });
  }

  /** What shows now, if anything. */
  get kind(): OverlayKind | undefined {
    return this.shown;
  }

  show(kind: OverlayKind, content: string): void {
    this.shown = kind;
    this.box.setContent(content);
    this.box.height = kind === 'confirm-leave' ? 7 : '70%';
    this.box.show();
    this.box.setFront();
  }

  hide(): void {
    this.shown = undefined;
    this.box.hide();
  }
}

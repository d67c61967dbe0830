import blessed from 'blessed';
import type { Rect } from './layout.js';
import { blessedLength, fitGraphemes, textColumns } from './text-width.js';

/** What a pane shows about its participant. */
export interface PaneModel {
  key: string;
  name: string;
  isSelf: boolean;
  muted: boolean;
  cameraOff: boolean;
  /** They have no microphone or camera at all: shown as such rather than as muted or off. */
  noMicrophone?: boolean;
  noCamera?: boolean;
  /** They record the call. */
  recording?: boolean;
  speaking: boolean;
  focused: boolean;
  /** 0–2, shown when not 1. */
  volume: number;
  /** True until the first frame arrives. */
  waitingForVideo: boolean;
  /** You chose audio only: their video is not coming (the name shows instead). */
  audioOnly?: boolean;
  /** The screen has no colours (NO_COLOR): focus shows as {@link FOCUS_MARK} in the label, not as a yellow border. */
  noColor?: boolean;
}

/** Before the focused pane's name when colours are off; narrow in every locale (▶ is two columns in some CJK ones). */
export const FOCUS_MARK = '▸';

/**
 * One participant's pane: a bordered blessed box whose label carries the name and state, whose border lights up
 * while the person speaks, and whose interior is left empty for the video layer — or, with the camera off, shows
 * the name large.
 */
export class PaneView {
  readonly box: blessed.Widgets.BoxElement;
  private lastContent = '';

  constructor(parent: blessed.Widgets.Screen) {
    this.box = blessed.box({
      parent,
      border: { type: 'line' },
      tags: true,
      align: 'center',
      valign: 'middle',
      style: { border: { fg: 'grey' }, label: { fg: 'white' } },
      clickable: true,
    } as blessed.Widgets.BoxOptions);
  }

  /** Places the pane and updates its chrome. Returns the picture area (inside the border) for the video layer. */
  update(model: PaneModel, rect: Rect): Rect {
    const visible = rect.width >= 4 && rect.height >= 3;
    if (!visible) {
      this.box.hide();
      return { x: 0, y: 0, width: 0, height: 0 };
    }
    this.box.show();
    this.box.left = rect.x;
    this.box.top = rect.y;
    this.box.width = rect.width;
    this.box.height = rect.height;
    this.box.setLabel(paneLabel(model, rect.width - LABEL_FRAME));
    const border = this.box.style.border as { fg: string };
    border.fg = borderColor(model);
    const inner = { x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: rect.height - 2 };
    const nameOnly = model.cameraOff || model.audioOnly === true;
    const content = nameOnly
      ? bigName(model.name, inner.width, model.cameraOff ? cameraCaption(model) : 'audio only (a: video)')
      : model.waitingForVideo
        ? `{grey-fg}${escapeTags(model.isSelf ? 'no camera' : 'waiting for video…')}{/grey-fg}`
        : '';
    if (content !== this.lastContent) {
      this.lastContent = content;
      this.box.setContent(content);
    }
    return nameOnly ? { x: 0, y: 0, width: 0, height: 0 } : inner;
  }

  destroy(): void {
    this.box.destroy();
  }
}

// The label sits on the top border after "┌─" and must end before "┐"; longer text would wrap inside blessed's
// shrinking label box, which drops a character and the space where it breaks.
const LABEL_FRAME = 3;

/**
 * The pane's label, at most `maxWidth` columns: ` ♪ name (flags) ` (` ▸ ♪ name (flags) ` when focused without
 * colours). The name matters more than the flags: when the label does not fit, the flags go one by one (the least
 * needed first), and the name is cut, with "…" and between grapheme clusters, only when it does not fit alone. The
 * marks stay. Counts terminal columns (emoji and CJK: two), and a column for each combining mark too: blessed cuts
 * the label where that count passes its width ("Nguyễn" written with combining accents lost its "n", without "…").
 */
export function paneLabel(model: PaneModel, maxWidth: number): string {
  const marks = `${model.focused && model.noColor ? `${FOCUS_MARK} ` : ''}${model.speaking ? '♪ ' : ''}`;
  const flags = labelFlags(model);
  const leastNeededFirst = [...flags].sort((a, b) => a.keep - b.keep);
  for (let dropped = 0; dropped <= flags.length; dropped++) {
    const gone = leastNeededFirst.slice(0, dropped);
    const kept = flags.filter((flag) => !gone.includes(flag)).map((flag) => flag.text);
    const suffix = kept.length > 0 ? ` (${kept.join(', ')})` : '';
    if (blessedLength(` ${marks}${model.name}${suffix} `) <= maxWidth) return ` ${marks}${escapeTags(model.name)}${suffix} `;
  }
  // At least one letter before the "…", or the label says nothing about who it is.
  const start = fitGraphemes(model.name, maxWidth - blessedLength(` ${marks}… `), blessedLength);
  return start.length > 0 ? ` ${marks}${escapeTags(start)}… ` : '';
}

/**
 * The flags in the order they show, each with its rank in keeping (the lowest goes first): a camera that is off (the
 * pane says so in its middle), then the volume, "you", the microphone; recording last, as everyone should see that
 * they are recorded.
 */
function labelFlags(model: PaneModel): Array<{ text: string; keep: number }> {
  const microphone = model.noMicrophone ? 'no mic' : model.muted ? 'muted' : '';
  const camera = model.noCamera ? 'no camera' : model.cameraOff ? 'cam off' : '';
  const flags = [
    { text: model.isSelf ? 'you' : '', keep: 2 },
    { text: model.recording ? '● rec' : '', keep: 4 },
    { text: microphone, keep: 3 },
    { text: camera, keep: 0 },
    { text: model.volume !== 1 ? `vol ${Math.round(model.volume * 100)}%` : '', keep: 1 },
  ];
  return flags.filter((flag) => flag.text !== '');
}

/**
 * The pane border: focus always shows (it says whom +, - and f act on), even while that person speaks; speaking shows
 * as ♪ in the label, and as a green border on the other panes.
 */
export function borderColor(model: Pick<PaneModel, 'focused' | 'speaking'>): 'yellow' | 'green' | 'grey' {
  return model.focused ? 'yellow' : model.speaking ? 'green' : 'grey';
}

/** Under the big name while there is no picture. */
function cameraCaption(model: PaneModel): string {
  if (model.noCamera) return model.isSelf ? 'you have no camera' : 'no camera';
  return model.isSelf ? 'your camera is off' : 'camera off';
}

export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

/** Columns a line of blessed-tagged text takes: tags take none, the escaped braces `{open}`/`{close}` one each. */
export function visibleLength(text: string): number {
  return textColumns(text.replace(/\{(open|close)\}/g, '.').replace(/\{\/?[\w-]*\}/g, ''));
}

// A 3×3 block font: big enough to read a name across a room, small enough for a 2×2 grid on 80×24.
const FONT: Record<string, [string, string, string]> = {
  A: ['▄▀▄', '█▀█', '▀ ▀'], B: ['█▀▄', '█▀▄', '▀▀ '], C: ['▄▀▀', '█  ', ' ▀▀'], D: ['█▀▄', '█ █', '▀▀ '],
  E: ['█▀▀', '█▀ ', '▀▀▀'], F: ['█▀▀', '█▀ ', '▀  '], G: ['▄▀▀', '█ █', ' ▀▀'], H: ['█ █', '█▀█', '▀ ▀'],
  I: ['▀█▀', ' █ ', '▀▀▀'], J: ['  █', '  █', '▀▀ '], K: ['█ █', '█▀▄', '▀ ▀'], L: ['█  ', '█  ', '▀▀▀'],
  M: ['█▄█', '█ █', '▀ ▀'], N: ['█▀█', '█ █', '▀ ▀'], O: ['▄▀▄', '█ █', ' ▀ '], P: ['█▀▄', '█▀ ', '▀  '],
  Q: ['▄▀▄', '█ █', ' ▀▄'], R: ['█▀▄', '█▀▄', '▀ ▀'], S: ['▄▀▀', ' ▀▄', '▀▀ '], T: ['▀█▀', ' █ ', ' ▀ '],
  U: ['█ █', '█ █', ' ▀ '], V: ['█ █', '█ █', ' ▀ '], W: ['█ █', '█ █', '▀▄▀'], X: ['▀▄▀', ' █ ', '▀ ▀'],
  Y: ['█ █', ' █ ', ' ▀ '], Z: ['▀▀█', '▄▀ ', '▀▀▀'], ' ': ['   ', '   ', '   '],
  0: ['█▀█', '█ █', '▀▀▀'], 1: ['▄█ ', ' █ ', '▀▀▀'], 2: ['▀▀█', '█▀▀', '▀▀▀'], 3: ['▀▀█', ' ▀█', '▀▀▀'],
  4: ['█ █', '▀▀█', '  ▀'], 5: ['█▀▀', '▀▀█', '▀▀▀'], 6: ['█▀▀', '█▀█', '▀▀▀'], 7: ['▀▀█', '  █', '  ▀'],
  8: ['█▀█', '█▀█', '▀▀▀'], 9: ['█▀█', '▀▀█', '▀▀▀'],
};

/** The name in the block font when it fits (letters and digits), else plain; with a caption below. */
export function bigName(name: string, width: number, caption: string): string {
  const upper = name.toUpperCase();
  const glyphs = [...upper].map((ch) => FONT[ch]);
  const fits = glyphs.every(Boolean) && glyphs.length * 4 - 1 <= width;
  if (!fits) return `{bold}${escapeTags(name)}{/bold}\n\n{grey-fg}${escapeTags(caption)}{/grey-fg}`;
  const rows = [0, 1, 2].map((r) => glyphs.map((g) => g![r]).join(' '));
  return `{bold}${rows.join('\n')}{/bold}\n\n{grey-fg}${escapeTags(caption)}{/grey-fg}`;
}

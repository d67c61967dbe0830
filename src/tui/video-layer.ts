import type { ColorMode } from '../media/video/color.js';
import type { RgbaImage } from '../media/video/image.js';
import type { SymbolSet } from '../media/video/cell-symbols.js';
import { createPaneRenderer, type PaneGeometry, type PaneRenderer } from '../media/video/render-pane.js';
import type { TerminalPacer } from './terminal-pacer.js';

/** The terminal output as the video layer needs it: bytes still queued tell us the terminal has not drained. */
export interface TerminalOutput {
  write(bytes: Uint8Array): boolean;
  readonly writableLength: number;
  /** 'drain' tells the layer the terminal caught up, so a skipped frame can be drawn. */
  on?(event: 'drain', listener: () => void): unknown;
}

export interface VideoPane {
  key: string;
  /** The picture area inside the pane's border; cols or rows 0 hides the pane. */
  area: PaneGeometry;
  mirror: boolean;
}

export interface VideoLayerOptions {
  mode: ColorMode;
  /** The characters cells are drawn with. Default half blocks. */
  symbols?: SymbolSet;
  /** Skip frames while more than this is waiting to reach the terminal. Default 16 KiB. */
  maxPendingBytes?: number;
  /** Wrap frames in synchronized output (DEC 2026). Default true. */
  synchronized?: boolean;
  /** Ask the terminal after each frame and skip frames while it is behind (terminal-pacer.ts); feed it its answers. */
  pacer?: TerminalPacer;
}

interface PaneState {
  renderer: PaneRenderer;
  pane: VideoPane;
  pending: RgbaImage | undefined;
  /** Where this pane's video cells are on the terminal, once a frame has been written there. */
  painted: PaneGeometry | undefined;
}

/**
 * Video next to blessed (docs/rendering.md): blessed draws the chrome; video cells bypass it and go straight to the
 * terminal at pane coordinates, each flush as ONE write wrapped in cursor save/restore so blessed's idea of the
 * cursor stays true. Each pane keeps only its newest frame; a flush is skipped, never queued, while the terminal
 * (an SSH link, tmux) has not drained the last one — told by Node's queue and, with a pacer, by the terminal's own
 * answers — so keys and audio never wait behind stale video.
 */
export class VideoLayer {
  private readonly panes = new Map<string, PaneState>();
  private mode: ColorMode;
  private symbolSet: SymbolSet;
  private readonly maxPending: number;
  private readonly synchronized: boolean;
  private paused = false;
  private uncovered: PaneGeometry[] = [];
  /** Bytes written and flushes skipped, for the stats overlay and the benchmark. */
  bytesWritten = 0;
  framesWritten = 0;
  flushesSkipped = 0;
  private readonly pacer: TerminalPacer | undefined;

  constructor(
    private readonly output: TerminalOutput,
    options: VideoLayerOptions,
  ) {
    this.mode = options.mode;
    this.symbolSet = options.symbols ?? 'half';
    this.maxPending = options.maxPendingBytes ?? 16 * 1024;
    this.synchronized = options.synchronized ?? true;
    this.pacer = options.pacer;
  }

  get colorMode(): ColorMode {
    return this.mode;
  }

  get symbols(): SymbolSet {
    return this.symbolSet;
  }

  /**
   * Sets the panes shown; a pane whose place changed repaints fully, a pane no longer listed is forgotten. Video
   * cells left outside every pane's new area (a camera turned off, a pane moved, shrank or went) stay on the
   * terminal until the chrome is drawn over them: collect them with {@link takeUncovered}.
   */
  setPanes(panes: VideoPane[]): void {
    const keep = new Set(panes.map((p) => p.key));
    for (const [key, state] of [...this.panes]) {
      if (keep.has(key)) continue;
      if (state.painted) this.uncovered.push(state.painted);
      this.panes.delete(key);
    }
    for (const pane of panes) {
      const state = this.panes.get(pane.key);
      if (!state) {
        this.panes.set(pane.key, {
          renderer: createPaneRenderer({ mode: this.mode, symbols: this.symbolSet, mirror: pane.mirror, synchronized: false, preserveCursor: false }),
          pane,
          pending: undefined,
          painted: undefined,
        });
        continue;
      }
      if (state.pane.mirror !== pane.mirror) state.renderer.setOptions({ mirror: pane.mirror });
      if (!sameArea(state.pane.area, pane.area)) {
        state.renderer.invalidate();
        if (state.painted) this.uncovered.push(...areaOutside(state.painted, pane.area));
        // What was painted inside the new area stays on screen until a frame is drawn there: still this pane's to
        // clear. Forgotten, a second move before then left a strip of old picture over the chrome, and a frozen sender
        // who then dropped out left it for good.
        state.painted = state.painted && areaInside(state.painted, pane.area);
      }
      state.pane = pane;
    }
  }

  /**
   * Areas that still show video cells no pane draws any more, since the last call. blessed does not know they are
   * there (it thinks those cells are blank), so the caller must make it repaint them, before the next flush.
   */
  takeUncovered(): PaneGeometry[] {
    const areas = this.uncovered;
    this.uncovered = [];
    return areas;
  }

  /** Draws from now on in another colour mode or with other symbols (`r` and `g` in a call). */
  setDrawing(drawing: { mode?: ColorMode; symbols?: SymbolSet }): void {
    this.mode = drawing.mode ?? this.mode;
    this.symbolSet = drawing.symbols ?? this.symbolSet;
    for (const state of this.panes.values()) state.renderer.setOptions({ mode: this.mode, symbols: this.symbolSet });
  }

  /** Forget what is on screen (blessed redrew everything): the next flush repaints every pane. */
  invalidateAll(): void {
    for (const state of this.panes.values()) state.renderer.invalidate();
  }

  /** While paused (an overlay covers the grid, the terminal is too small) nothing is drawn. */
  setPaused(paused: boolean): void {
    if (this.paused && !paused) this.invalidateAll();
    this.paused = paused;
  }

  /** Hands in a pane's newest frame; an older one not yet drawn is dropped. */
  submit(key: string, image: RgbaImage): void {
    const state = this.panes.get(key);
    if (state) state.pending = image;
  }

  /** Draws all pending frames as one write. Returns false when it skipped because the terminal is behind. */
  flush(): boolean {
    if (this.paused) return true;
    if (this.output.writableLength > this.maxPending || (this.pacer && !this.pacer.mayWrite())) {
      this.flushesSkipped += 1;
      return false;
    }
    const parts: Buffer[] = [];
    for (const state of this.panes.values()) {
      if (!state.pending || state.pane.area.cols <= 0 || state.pane.area.rows <= 0) continue;
      const bytes = state.renderer.render(state.pending, state.pane.area);
      state.pending = undefined;
      if (bytes.length === 0) continue;
      parts.push(bytes);
      state.painted = state.pane.area;
    }
    if (parts.length === 0) return true;
    const body = Buffer.concat(parts);
    // DECSC/DECRC keep blessed's cursor and attributes; DEC 2026 lets terminals that know it show whole frames only.
    const frame = Buffer.concat([
      Buffer.from(this.synchronized ? '\x1b[?2026h\x1b7' : '\x1b7'),
      body,
      Buffer.from((this.synchronized ? '\x1b[0m\x1b8\x1b[?2026l' : '\x1b[0m\x1b8') + (this.pacer?.wrote() ?? '')),
    ]);
    this.output.write(frame);
    this.bytesWritten += frame.length;
    this.framesWritten += parts.length;
    return true;
  }
}

function sameArea(a: PaneGeometry, b: PaneGeometry): boolean {
  return a.cols === b.cols && a.rows === b.rows && a.x === b.x && a.y === b.y;
}

/** The cells of `area` that are also in `kept`, or undefined when none are. */
function areaInside(area: PaneGeometry, kept: PaneGeometry): PaneGeometry | undefined {
  const x = Math.max(area.x, kept.x);
  const y = Math.max(area.y, kept.y);
  const cols = Math.min(area.x + area.cols, kept.x + kept.cols) - x;
  const rows = Math.min(area.y + area.rows, kept.y + kept.rows) - y;
  return cols > 0 && rows > 0 ? { x, y, cols, rows } : undefined;
}

/** The cells of `area` that are not in `kept`, as at most four bands: above, below, left and right of it. */
export function areaOutside(area: PaneGeometry, kept: PaneGeometry): PaneGeometry[] {
  const top = Math.max(area.y, kept.y);
  const bottom = Math.min(area.y + area.rows, kept.y + kept.rows);
  const left = Math.max(area.x, kept.x);
  const right = Math.min(area.x + area.cols, kept.x + kept.cols);
  if (kept.cols <= 0 || kept.rows <= 0 || top >= bottom || left >= right) return area.cols > 0 && area.rows > 0 ? [area] : [];
  const bands: PaneGeometry[] = [
    { x: area.x, y: area.y, cols: area.cols, rows: top - area.y },
    { x: area.x, y: bottom, cols: area.cols, rows: area.y + area.rows - bottom },
    { x: area.x, y: top, cols: left - area.x, rows: bottom - top },
    { x: right, y: top, cols: area.x + area.cols - right, rows: bottom - top },
  ];
  return bands.filter((band) => band.cols > 0 && band.rows > 0);
}

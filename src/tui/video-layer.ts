import type { ColorMode } from '../media/video/color.js';
import type { RgbaImage } from '../media/video/image.js';
import { createPaneRenderer, type PaneGeometry, type PaneRenderer } from '../media/video/render-pane.js';

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
  /** Skip frames while more than this is waiting to reach the terminal. Default 16 KiB. */
  maxPendingBytes?: number;
  /** Wrap frames in synchronized output (DEC 2026). Default true. */
  synchronized?: boolean;
}

interface PaneState {
  renderer: PaneRenderer;
  pane: VideoPane;
  pending: RgbaImage | undefined;
}

/**
 * Video next to blessed (docs/rendering.md): blessed draws the chrome; video cells bypass it and go straight to the
 * terminal at pane coordinates, each flush as ONE write wrapped in cursor save/restore so blessed's idea of the
 * cursor stays true. Each pane keeps only its newest frame; a flush is skipped, never queued, while the terminal
 * (an SSH link, tmux) has not drained the last one, so keys and audio never wait behind stale video.
 */
export class VideoLayer {
  private readonly panes = new Map<string, PaneState>();
  private mode: ColorMode;
  private readonly maxPending: number;
  private readonly synchronized: boolean;
  private paused = false;
  /** Bytes written and flushes skipped, for the stats overlay and the benchmark. */
  bytesWritten = 0;
  framesWritten = 0;
  flushesSkipped = 0;

  constructor(
    private readonly output: TerminalOutput,
    options: VideoLayerOptions,
  ) {
    this.mode = options.mode;
    this.maxPending = options.maxPendingBytes ?? 16 * 1024;
    this.synchronized = options.synchronized ?? true;
  }

  get colorMode(): ColorMode {
    return this.mode;
  }

  /** Sets the panes shown; a pane whose place changed repaints fully, a pane no longer listed is forgotten. */
  setPanes(panes: VideoPane[]): void {
    const keep = new Set(panes.map((p) => p.key));
    for (const key of [...this.panes.keys()]) if (!keep.has(key)) this.panes.delete(key);
    for (const pane of panes) {
      const state = this.panes.get(pane.key);
      if (!state) {
        this.panes.set(pane.key, {
          renderer: createPaneRenderer({ mode: this.mode, mirror: pane.mirror, synchronized: false, preserveCursor: false }),
          pane,
          pending: undefined,
        });
        continue;
      }
      if (state.pane.mirror !== pane.mirror) state.renderer.setOptions({ mirror: pane.mirror });
      const a = state.pane.area;
      const b = pane.area;
      if (a.cols !== b.cols || a.rows !== b.rows || a.x !== b.x || a.y !== b.y) state.renderer.invalidate();
      state.pane = pane;
    }
  }

  setMode(mode: ColorMode): void {
    this.mode = mode;
    for (const state of this.panes.values()) state.renderer.setOptions({ mode });
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
    if (this.output.writableLength > this.maxPending) {
      this.flushesSkipped += 1;
      return false;
    }
    const parts: Buffer[] = [];
    for (const state of this.panes.values()) {
      if (!state.pending || state.pane.area.cols <= 0 || state.pane.area.rows <= 0) continue;
      const bytes = state.renderer.render(state.pending, state.pane.area);
      state.pending = undefined;
      if (bytes.length > 0) parts.push(bytes);
    }
    if (parts.length === 0) return true;
    const body = Buffer.concat(parts);
    // DECSC/DECRC keep blessed's cursor and attributes; DEC 2026 lets terminals that know it show whole frames only.
    const frame = Buffer.concat([
      Buffer.from(this.synchronized ? '\x1b[?2026h\x1b7' : '\x1b7'),
      body,
      Buffer.from(this.synchronized ? '\x1b[0m\x1b8\x1b[?2026l' : '\x1b[0m\x1b8'),
    ]);
    this.output.write(frame);
    this.bytesWritten += frame.length;
    this.framesWritten += parts.length;
    return true;
  }
}

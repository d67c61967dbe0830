import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { VideoLayer, areaOutside } from '../../src/tui/video-layer.js';
import { gradientImage } from '../media/video/helpers.js';

/** A real Writable whose consumer holds each chunk until released: a terminal that has not drained yet. */
function slowTerminal(): { out: Writable; chunks: Buffer[]; release(): void } {
  const chunks: Buffer[] = [];
  let pending: (() => void) | undefined;
  const out = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      pending = () => cb();
    },
  });
  return { out, chunks, release: () => pending?.() };
}

const paneA = { key: 'a', area: { x: 1, y: 1, cols: 20, rows: 6 }, mirror: false };
const paneB = { key: 'b', area: { x: 30, y: 1, cols: 20, rows: 6 }, mirror: true };

describe('VideoLayer', () => {
  it('draws all pending panes in one write wrapped in cursor save/restore, nothing when unchanged', () => {
    const term = slowTerminal();
    const layer = new VideoLayer(term.out, { mode: 'truecolor', maxPendingBytes: 0 });
    layer.setPanes([paneA, paneB]);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.submit('b', gradientImage(40, 24, 10));
    expect(layer.flush()).toBe(true);
    expect(term.chunks).toHaveLength(1);
    const text = term.chunks[0]!.toString();
    expect(text.startsWith('\x1b[?2026h\x1b7')).toBe(true);
    expect(text.endsWith('\x1b[0m\x1b8\x1b[?2026l')).toBe(true);
    expect(text).toContain('\x1b[2;2H'); // pane a's first cell (1-based)
    expect(text).toContain('\x1b[2;31H'); // pane b's first cell
    expect(text).toMatch(/\x1b\[38;2;\d+;\d+;\d+m/);
    term.release();
    layer.submit('a', gradientImage(40, 24, 0));
    expect(layer.flush()).toBe(true);
    expect(term.chunks).toHaveLength(1);
    expect(layer.framesWritten).toBe(2);
  });

  it('skips, never queues, while the terminal has not drained, and keeps only the newest frame', () => {
    const term = slowTerminal();
    const layer = new VideoLayer(term.out, { mode: '256', maxPendingBytes: 0 });
    layer.setPanes([paneA]);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.flush();
    layer.submit('a', gradientImage(40, 24, 30));
    layer.submit('a', gradientImage(40, 24, 60));
    expect(term.out.writableLength).toBeGreaterThan(0);
    expect(layer.flush()).toBe(false);
    expect(layer.flushesSkipped).toBe(1);
    expect(term.chunks).toHaveLength(1);
    term.release();
    expect(layer.flush()).toBe(true);
    expect(term.chunks).toHaveLength(2);
    expect(layer.framesWritten).toBe(2); // the frame at 30 was never drawn
  });

  it('draws nothing while paused and repaints everything after', () => {
    const term = slowTerminal();
    const layer = new VideoLayer(term.out, { mode: '256', maxPendingBytes: 1 << 20 });
    layer.setPanes([paneA]);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.flush();
    term.release();
    const full = term.chunks[0]!.length;
    layer.setPaused(true);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.flush();
    expect(term.chunks).toHaveLength(1);
    layer.setPaused(false);
    layer.flush();
    expect(term.chunks).toHaveLength(2);
    expect(term.chunks[1]!.length).toBe(full);
  });

  it('repaints a pane fully when it moves, and forgets panes no longer shown', () => {
    const term = slowTerminal();
    const layer = new VideoLayer(term.out, { mode: 'truecolor', maxPendingBytes: 1 << 20 });
    layer.setPanes([paneA, paneB]);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.flush();
    term.release();
    layer.setPanes([{ ...paneA, area: { ...paneA.area, y: 10 } }]);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.submit('b', gradientImage(40, 24, 0));
    layer.flush();
    const text = term.chunks[1]!.toString();
    expect(text).toContain('\x1b[11;2H');
    expect(text).not.toContain(';31H');
  });

  it('reports the cells a pane had painted once its camera is off (area 0), and only once', () => {
    const term = slowTerminal();
    const layer = new VideoLayer(term.out, { mode: '256', maxPendingBytes: 1 << 20 });
    layer.setPanes([paneA, paneB]);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.flush();
    expect(layer.takeUncovered()).toEqual([]);
    layer.setPanes([{ ...paneA, area: { x: 0, y: 0, cols: 0, rows: 0 } }, paneB]);
    expect(layer.takeUncovered()).toEqual([paneA.area]);
    expect(layer.takeUncovered()).toEqual([]);
    // b never drew a frame: nothing of it is on screen to clear.
    layer.setPanes([]);
    expect(layer.takeUncovered()).toEqual([]);
  });

  it('reports a removed pane, and the part of a moved or shrunk pane that its new area does not cover', () => {
    const term = slowTerminal();
    const layer = new VideoLayer(term.out, { mode: '256', maxPendingBytes: 1 << 20 });
    layer.setPanes([paneA, paneB]);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.submit('b', gradientImage(40, 24, 0));
    layer.flush();
    layer.setPanes([{ ...paneA, area: { ...paneA.area, cols: 15 } }]);
    expect(layer.takeUncovered()).toEqual([paneB.area, { x: 16, y: 1, cols: 5, rows: 6 }]);
  });

  it('a pane moved twice before its next frame still reports the old picture left inside its first new area', () => {
    // A terminal resized in two steps while a stalled camera sent nothing: the first move reported only what its
    // new area did not cover, the second nothing at all, and a strip of the old picture stayed over the chrome.
    const term = slowTerminal();
    const layer = new VideoLayer(term.out, { mode: '256', maxPendingBytes: 1 << 20 });
    layer.setPanes([paneA]);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.flush();
    layer.setPanes([{ ...paneA, area: { x: 11, y: 1, cols: 20, rows: 6 } }]);
    expect(layer.takeUncovered()).toEqual([{ x: 1, y: 1, cols: 10, rows: 6 }]);
    layer.setPanes([{ ...paneA, area: { x: 40, y: 10, cols: 20, rows: 6 } }]);
    expect(layer.takeUncovered()).toEqual([{ x: 11, y: 1, cols: 10, rows: 6 }]);
  });

  it('still reports the part a moved pane kept of its old picture when it goes before its next frame', () => {
    const term = slowTerminal();
    const layer = new VideoLayer(term.out, { mode: '256', maxPendingBytes: 1 << 20 });
    layer.setPanes([paneA]);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.flush();
    // Someone joined: a's pane shrinks; its old picture stays in the new area until a's next frame, which never
    // comes (a froze, then dropped out).
    layer.setPanes([{ ...paneA, area: { ...paneA.area, cols: 15 } }]);
    expect(layer.takeUncovered()).toEqual([{ x: 16, y: 1, cols: 5, rows: 6 }]);
    layer.setPanes([]);
    expect(layer.takeUncovered()).toEqual([{ x: 1, y: 1, cols: 15, rows: 6 }]);
  });

  it('reports nothing for a pane whose frames never reached the terminal (paused the whole time)', () => {
    const term = slowTerminal();
    const layer = new VideoLayer(term.out, { mode: '256', maxPendingBytes: 1 << 20 });
    layer.setPanes([paneA]);
    layer.setPaused(true);
    layer.submit('a', gradientImage(40, 24, 0));
    layer.flush();
    layer.setPanes([{ ...paneA, area: { x: 0, y: 0, cols: 0, rows: 0 } }]);
    expect(layer.takeUncovered()).toEqual([]);
  });
});

describe('areaOutside', () => {
  const area = { x: 10, y: 5, cols: 20, rows: 10 };
  it('is the whole area when nothing overlaps it, and empty when it is all kept', () => {
    expect(areaOutside(area, { x: 0, y: 0, cols: 0, rows: 0 })).toEqual([area]);
    expect(areaOutside(area, { x: 40, y: 5, cols: 20, rows: 10 })).toEqual([area]);
    expect(areaOutside(area, area)).toEqual([]);
    expect(areaOutside(area, { x: 0, y: 0, cols: 100, rows: 100 })).toEqual([]);
  });

  it('is the bands above, below, left and right of the kept part', () => {
    const bands = areaOutside(area, { x: 12, y: 7, cols: 10, rows: 4 });
    expect(bands).toEqual([
      { x: 10, y: 5, cols: 20, rows: 2 },
      { x: 10, y: 11, cols: 20, rows: 4 },
      { x: 10, y: 7, cols: 2, rows: 4 },
      { x: 22, y: 7, cols: 8, rows: 4 },
    ]);
    expect(bands.reduce((cells, b) => cells + b.cols * b.rows, 0)).toBe(20 * 10 - 10 * 4);
  });
});

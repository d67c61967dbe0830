/**
 * Video CPU and terminal bytes (SPEC §5: render of one 80×24 truecolor pane ≤ 1 ms CPU; JPEG encode of a 160×120
 * frame ≤ 2 ms; terminal output for 4 moving panes on 160×48 at 15 fps ≤ 0.5 MB/s):
 * - our pane renderer per colour mode at 80×24 and 160×48 cells on moving content (the fixture clip, frame after
 *   frame, so the diff does real work), steady state after the first full paint;
 * - the same in truecolor with the finer symbol sets (`--symbols quadrant`, `sextant`);
 * - Debian's `chafa --symbols vhalf` (`quad`, `sextant`) at the same size and colour mode on the same frames (a
 *   process per frame, as a command-line tool is used; its time includes process start, so it is shown separately as
 *   wall time);
 * - JPEG encode (ours and jpeg-js) and decode at 160×120 and 320×240.
 *
 * `runVideoBench()` returns the rows; run as the entry module it prints them as a table.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixturePath } from './paths.js';
import jpegJs from 'jpeg-js';
import type { SymbolSet } from '../src/media/video/cell-symbols.js';
import type { ColorMode } from '../src/media/video/color.js';
import type { RgbaImage } from '../src/media/video/image.js';
import { createJpegEncoder, decodeJpeg } from '../src/media/video/jpeg.js';
import { createPaneRenderer } from '../src/media/video/render-pane.js';

/** One measured operation. */
export interface VideoBenchRow {
  what: string;
  size: string;
  mode: string;
  /** Mean time per frame, ms (CPU of this process; wall time for chafa, which runs as a child process). */
  msPerFrame: number;
  /** Mean output per frame, bytes (terminal bytes for renderers, JPEG bytes for the encoder). */
  bytesPerFrame: number;
  /** Renderers: mean bytes of a full repaint (no diff), comparable with chafa, which always paints everything. */
  fullPaintBytes?: number;
}

const CHAFA_COLORS: Record<ColorMode, string[]> = {
  truecolor: ['--colors', 'full', '--symbols', 'vhalf'],
  '256': ['--colors', '256', '--symbols', 'vhalf'],
  '16': ['--colors', '16', '--symbols', 'vhalf'],
  // chafa has no colourless half blocks; its ASCII symbols are the closest to our mono ramp.
  mono: ['--colors', 'none', '--symbols', 'ascii'],
};

/** Decodes the fixture clip to RGBA frames of `width`×`height` with the real ffmpeg. */
function clipFrames(width: number, height: number): RgbaImage[] {
  const clip = fixturePath('clip-chelsea-3s.mp4');
  const res = spawnSync('ffmpeg', ['-v', 'error', '-i', clip, '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], {
    maxBuffer: 1 << 28,
  });
  if (res.status !== 0) throw new Error(`ffmpeg could not decode the clip: ${res.stderr.toString()}`);
  const size = width * height * 4;
  const frames: RgbaImage[] = [];
  for (let o = 0; o + size <= res.stdout.length; o += size) frames.push({ width, height, data: new Uint8Array(res.stdout.subarray(o, o + size)) });
  return frames;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The row's mode column: the colour mode, and the symbol set unless half blocks. */
function modeLabel(mode: ColorMode, symbols: SymbolSet): string {
  return symbols === 'half' ? mode : `${mode} ${symbols}`;
}

function benchRenderer(frames: RgbaImage[], mode: ColorMode, cols: number, rows: number, symbols: SymbolSet = 'half'): VideoBenchRow {
  const renderer = createPaneRenderer({ mode, symbols });
  const pane = { cols, rows, x: 0, y: 0 };
  for (const f of frames) renderer.render(f, pane); // warm-up and first full paint
  const rounds = 4;
  let bytes = 0;
  const start = cpuMs();
  for (let r = 0; r < rounds; r++) for (const f of frames) bytes += renderer.render(f, pane).length;
  const n = rounds * frames.length;
  const msPerFrame = (cpuMs() - start) / n;
  let full = 0;
  for (const f of frames) {
    renderer.invalidate();
    full += renderer.render(f, pane).length;
  }
  return { what: 'livecomm render (diffed)', size: `${cols}×${rows}`, mode: modeLabel(mode, symbols), msPerFrame, bytesPerFrame: bytes / n, fullPaintBytes: full / frames.length };
}

/** chafa's symbol classes for ours. */
const CHAFA_SYMBOLS: Record<SymbolSet, string> = { half: 'vhalf', quadrant: 'quad', sextant: 'sextant' };

function benchChafa(frames: RgbaImage[], mode: ColorMode, cols: number, rows: number, symbols: SymbolSet = 'half'): VideoBenchRow | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'lc-chafa-'));
  try {
    const enc = createJpegEncoder(95);
    const files = frames.map((f, i) => {
      const p = join(dir, `f${i}.jpg`);
      writeFileSync(p, enc.encode(f));
      return p;
    });
    let bytes = 0;
    const start = performance.now();
    for (const file of files) {
      const colors = symbols === 'half' ? CHAFA_COLORS[mode] : [...CHAFA_COLORS[mode].slice(0, 2), '--symbols', CHAFA_SYMBOLS[symbols]];
      const res = spawnSync('chafa', ['--format', 'symbols', '--animate', 'off', '--size', `${cols}x${rows}`, ...colors, file], {
        maxBuffer: 1 << 24,
      });
      if (res.error || res.status !== 0) return undefined;
      bytes += res.stdout.length;
    }
    return {
      what: 'chafa 1.12 (wall, incl. spawn)',
      size: `${cols}×${rows}`,
      mode: modeLabel(mode, symbols),
      msPerFrame: (performance.now() - start) / files.length,
      bytesPerFrame: bytes / files.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchJpeg(frames: RgbaImage[]): VideoBenchRow[] {
  const first = frames[0];
  if (!first) return [];
  const size = `${first.width}×${first.height}`;
  const enc = createJpegEncoder(60);
  const encoded = frames.map((f) => enc.encode(f));
  const rows: VideoBenchRow[] = [];
  const time = (what: string, iterations: number, op: (i: number) => number): void => {
    for (let i = 0; i < Math.min(10, iterations); i++) op(i);
    let bytes = 0;
    const start = cpuMs();
    for (let i = 0; i < iterations; i++) bytes += op(i);
    rows.push({ what, size, mode: 'q60', msPerFrame: (cpuMs() - start) / iterations, bytesPerFrame: bytes / iterations });
  };
  time('jpeg encode (livecomm, reused)', 200, (i) => enc.encode(frames[i % frames.length] ?? first).length);
  time('jpeg encode (jpeg-js 0.4.4)', 20, (i) => jpegJs.encode(frames[i % frames.length] ?? first, 60).data.length);
  time('jpeg decode (jpeg-js, limits)', 200, (i) => {
    const data = encoded[i % encoded.length] ?? new Uint8Array(0);
    decodeJpeg(data);
    return data.length;
  });
  return rows;
}

/** Runs every measurement; takes ~10 s on a 2-core machine (chafa spawns a process per frame). */
export async function runVideoBench(): Promise<VideoBenchRow[]> {
  const rows: VideoBenchRow[] = [];
  // The frames a receiver would decode at the default send size: the 3:2 clip fitted into 160×120 is 160×106,
  // letterboxed in the pane.
  const frames = clipFrames(160, 106);
  for (const [cols, rows_] of [[80, 24], [160, 48]] as const) {
    for (const mode of ['truecolor', '256', '16', 'mono'] as const) {
      rows.push(benchRenderer(frames, mode, cols, rows_));
      const chafa = benchChafa(frames, mode, cols, rows_);
      if (chafa) rows.push(chafa);
    }
    // Finer symbols (--symbols), truecolor: what their pixels cost, beside chafa drawing with the same class.
    for (const symbols of ['quadrant', 'sextant'] as const) {
      rows.push(benchRenderer(frames, 'truecolor', cols, rows_, symbols));
      const chafa = benchChafa(frames, 'truecolor', cols, rows_, symbols);
      if (chafa) rows.push(chafa);
    }
  }
  // JPEG at exactly the SPEC sizes (the clip squeezed to 4:3: only the timing matters here).
  rows.push(...benchJpeg(clipFrames(160, 120)));
  rows.push(...benchJpeg(clipFrames(320, 240)));
  return rows;
}

function printTable(rows: VideoBenchRow[]): void {
  const header = ['what', 'size', 'mode', 'ms/frame', 'bytes/frame', 'full paint'];
  const body = rows.map((r) => [
    r.what,
    r.size,
    r.mode,
    r.msPerFrame.toFixed(3),
    Math.round(r.bytesPerFrame).toString(),
    r.fullPaintBytes === undefined ? '' : Math.round(r.fullPaintBytes).toString(),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runVideoBench().then(printTable, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

/**
 * A small terminal model for property tests of the renderers: it parses what they emit strictly (only the sequences a
 * renderer may write) and keeps a grid of cells, so tests can check well-formedness, where writes land, and what the
 * screen shows after a sequence of diffs.
 */
import { charColumns } from '../../src/tui/text-width.js';

export interface Cell {
  ch: string;
  /** 'd' (default), 'p<index>' or 'rgb<packed>'. */
  fg: string;
  bg: string;
}

export interface ParseEvents {
  /** Every CUP target and every cell written, 0-based. */
  cup?: (x: number, y: number) => void;
  write?: (x: number, y: number, ch: string, width: number) => void;
  sgr?: (params: number[]) => void;
}

export class AnsiScreen {
  cells: Cell[];
  x = 0;
  y = 0;
  fg = 'd';
  bg = 'd';
  private saved: { x: number; y: number; fg: string; bg: string } | undefined;

  constructor(
    readonly cols: number,
    readonly rows: number,
    fill = '~',
  ) {
    this.cells = Array.from({ length: cols * rows }, () => ({ ch: fill, fg: 'd', bg: 'd' }));
  }

  cell(x: number, y: number): Cell {
    const c = this.cells[y * this.cols + x];
    if (!c) throw new Error(`cell ${x},${y} is off the screen`);
    return c;
  }

  /** Applies `data`; throws on anything a renderer must not write (unknown or truncated sequences, control characters). */
  apply(data: string, events: ParseEvents = {}): void {
    let i = 0;
    while (i < data.length) {
      const code = data.codePointAt(i)!;
      if (code === 0x1b) {
        const next = data[i + 1];
        if (next === '7') {
          this.saved = { x: this.x, y: this.y, fg: this.fg, bg: this.bg };
          i += 2;
          continue;
        }
        if (next === '8') {
          if (!this.saved) throw new Error('DECRC without DECSC');
          ({ x: this.x, y: this.y, fg: this.fg, bg: this.bg } = this.saved);
          i += 2;
          continue;
        }
        if (next !== '[') throw new Error(`bad escape at ${i}: ${JSON.stringify(data.slice(i, i + 8))}`);
        let j = i + 2;
        while (j < data.length && /[0-9;?]/.test(data[j]!)) j++;
        const final = data[j];
        if (final === undefined) throw new Error(`truncated CSI at ${i}: ${JSON.stringify(data.slice(i))}`);
        const params = data.slice(i + 2, j);
        this.csi(params, final, events);
        i = j + 1;
        continue;
      }
      if (code === 0x0a) {
        this.x = 0;
        this.y++;
        i++;
        continue;
      }
      if (code < 0x20 || (code >= 0x7f && code < 0xa0)) throw new Error(`control character ${code} at ${i}`);
      const ch = String.fromCodePoint(code);
      const width = charColumns(ch);
      events.write?.(this.x, this.y, ch, width);
      if (this.x + width > this.cols || this.y >= this.rows) throw new Error(`write of ${JSON.stringify(ch)} at ${this.x},${this.y} leaves the screen`);
      const c = this.cell(this.x, this.y);
      c.ch = ch;
      c.fg = this.fg;
      c.bg = this.bg;
      this.x += width;
      i += ch.length;
    }
  }

  private csi(params: string, final: string, events: ParseEvents): void {
    if (final === 'H') {
      const m = /^(\d+);(\d+)$/.exec(params);
      if (!m) throw new Error(`bad CUP ${JSON.stringify(params)}`);
      const y = Number(m[1]) - 1;
      const x = Number(m[2]) - 1;
      events.cup?.(x, y);
      if (x < 0 || y < 0 || x >= this.cols || y >= this.rows) throw new Error(`CUP to ${x},${y} off the screen`);
      this.x = x;
      this.y = y;
      return;
    }
    if (final === 'h' || final === 'l') {
      if (params !== '?2026') throw new Error(`unexpected mode ${params}${final}`);
      return;
    }
    if (final !== 'm') throw new Error(`unexpected CSI final ${final}`);
    if (!/^\d+(;\d+)*$/.test(params)) throw new Error(`bad SGR ${JSON.stringify(params)}`);
    const p = params.split(';').map(Number);
    events.sgr?.(p);
    for (let k = 0; k < p.length; k++) {
      const v = p[k]!;
      if (v === 0) {
        this.fg = this.bg = 'd';
      } else if (v === 38 || v === 48) {
        const kind = p[k + 1];
        let value: string;
        if (kind === 5) {
          const n = p[k + 2];
          if (n === undefined || n > 255) throw new Error(`bad 256-colour SGR ${params}`);
          value = `p${n}`;
          k += 2;
        } else if (kind === 2) {
          const [r, g, b] = [p[k + 2], p[k + 3], p[k + 4]];
          if (r === undefined || g === undefined || b === undefined || r > 255 || g > 255 || b > 255) throw new Error(`bad RGB SGR ${params}`);
          value = `rgb${(r << 16) | (g << 8) | b}`;
          k += 4;
        } else throw new Error(`bad extended SGR ${params}`);
        if (v === 38) this.fg = value;
        else this.bg = value;
      } else if (v >= 30 && v <= 37) this.fg = `p${v - 30}`;
      else if (v >= 90 && v <= 97) this.fg = `p${v - 90 + 8}`;
      else if (v >= 40 && v <= 47) this.bg = `p${v - 40}`;
      else if (v >= 100 && v <= 107) this.bg = `p${v - 100 + 8}`;
      else throw new Error(`unexpected SGR parameter ${v} in ${params}`);
    }
  }
}

/**
 * A reusable baseline JPEG encoder (JFIF, 4:2:0 chroma subsampling, Huffman tables made for each frame: jpeg-huffman.ts).
 *
 * Why our own: jpeg-js 0.4.4 rebuilds its Huffman, quantisation and 64 K-entry category tables on every `encode()`
 * call, ~15 ms of a 16 ms encode at 160×120 (PEERS.md). Here every table, the file header and the work buffers are
 * built once per encoder and reused, so a 160×120 frame costs about a millisecond (SPEC §5: ≤ 2 ms).
 * The float DCT is the AAN algorithm of the IJG's jfdctflt.c.
 */
import { ImageInvalidError } from './errors.js';
import { assertRgbaImage, type RgbaImage } from './image.js';
import { AAN_SCALE, CHROMA_QUANT, LUMA_QUANT, ZIGZAG, type HuffmanSpec } from './jpeg-tables.js';
import { optimalHuffmanSpec } from './jpeg-huffman.js';

/** Default quality: small frames for the wire while faces stay readable at 160×120. */
export const DEFAULT_JPEG_QUALITY = 60;
const MAX_DIMENSION = 65_535;
// Worst case for one 8×8 block: 64 symbols of ≤ 16 + 11 bits, doubled for 0xFF byte stuffing.
const MAX_BYTES_PER_MCU = 6 * 440;

/** Encodes RGBA frames to baseline JPEG; create one per stream and reuse it for every frame. */
export interface JpegEncoder {
  /** The quality (1–100) the quantisation tables were built for. */
  readonly quality: number;
  /**
   * Encodes one frame, at `quality` (1–100) when given, else at the encoder's own: a rate control may change it
   * from frame to frame, and each quality's tables are built once. The result is a fresh buffer the caller may keep.
   * @throws ImageInvalidError for a malformed image or one larger than 65535 pixels on a side.
   */
  encode(image: RgbaImage, quality?: number): Uint8Array;
}

/** Creates an encoder whose tables are built once, at `quality` 1–100 (default {@link DEFAULT_JPEG_QUALITY}). */
export function createJpegEncoder(quality: number = DEFAULT_JPEG_QUALITY): JpegEncoder {
  return new BaselineJpegEncoder(quality);
}

interface HuffmanCodes {
  code: Uint16Array;
  size: Uint8Array;
}

function buildCodes(spec: HuffmanSpec): HuffmanCodes {
  const code = new Uint16Array(256);
  const size = new Uint8Array(256);
  let next = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let n = 0; n < (spec.counts[len - 1] ?? 0); n++) {
      const symbol = spec.symbols[k++] ?? 0;
      code[symbol] = next++;
      size[symbol] = len;
    }
    next <<= 1;
  }
  return { code, size };
}

function scaledQuant(base: readonly number[], quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const factor = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  const natural = new Uint8Array(64);
  for (let i = 0; i < 64; i++) natural[i] = Math.min(255, Math.max(1, Math.floor(((base[i] ?? 1) * factor + 50) / 100)));
  return natural;
}

/** Reciprocal quantisation table with the AAN output scaling folded in, natural order. */
function divisors(natural: Uint8Array): Float32Array {
  const out = new Float32Array(64);
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++) {
      const i = row * 8 + col;
      out[i] = 1 / ((natural[i] ?? 1) * (AAN_SCALE[row] ?? 1) * (AAN_SCALE[col] ?? 1) * 8);
    }
  }
  return out;
}

function segment(marker: number, body: number[]): number[] {
  const len = body.length + 2;
  return [0xff, marker, len >> 8, len & 0xff, ...body];
}

function dhtBody(tableClassId: number, spec: HuffmanSpec): number[] {
  return [tableClassId, ...spec.counts, ...spec.symbols];
}

/** The four Huffman tables of a frame, in the order the symbol counts are kept. */
const LUMA_DC_TABLE = 0;
const LUMA_AC_TABLE = 1;
const CHROMA_DC_TABLE = 2;
const CHROMA_AC_TABLE = 3;
const TABLE_IDS = [0x00, 0x10, 0x01, 0x11]; // DHT class/id bytes, in the order above

/** What depends on the quality: the quantisers, and the file header up to the quantisation tables. */
interface QualityTables {
  lumaDiv: Float32Array;
  chromaDiv: Float32Array;
  head: Uint8Array;
}

function qualityTables(quality: number): QualityTables {
  const lq = scaledQuant(LUMA_QUANT, quality);
  const cq = scaledQuant(CHROMA_QUANT, quality);
  const zigLuma = new Array<number>(64);
  const zigChroma = new Array<number>(64);
  for (let i = 0; i < 64; i++) {
    zigLuma[ZIGZAG[i] ?? 0] = lq[i] ?? 1;
    zigChroma[ZIGZAG[i] ?? 0] = cq[i] ?? 1;
  }
  const jfif = [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  return {
    lumaDiv: divisors(lq),
    chromaDiv: divisors(cq),
    head: Uint8Array.from([0xff, 0xd8, ...segment(0xe0, jfif), ...segment(0xdb, [0, ...zigLuma, 1, ...zigChroma])]),
  };
}

function clampQuality(quality: number): number {
  return Math.min(100, Math.max(1, Math.round(quality)));
}

class BaselineJpegEncoder implements JpegEncoder {
  readonly quality: number;
  private readonly tablesByQuality = new Map<number, QualityTables>();
  private readonly sos = Uint8Array.from(segment(0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]));
  private readonly block = new Float32Array(64);
  /** Symbol counts per table, from the first pass over a frame. */
  private readonly symbolCounts = [0, 1, 2, 3].map(() => new Uint32Array(256));
  private codes: HuffmanCodes[] = [];
  private planeW = 0;
  private planeH = 0;
  private yPlane = new Float32Array(0);
  private cbPlane = new Float32Array(0);
  private crPlane = new Float32Array(0);
  /** Quantised coefficients of every block of the frame, zigzag order, 64 per block in coding order. */
  private coefficients = new Int16Array(0);
  private out = new Uint8Array(16_384);
  private pos = 0;
  private bitBuf = 0;
  private bitCnt = 0;

  constructor(quality: number) {
    this.quality = clampQuality(quality);
  }

  encode(image: RgbaImage, quality: number = this.quality): Uint8Array {
    assertRgbaImage(image);
    const q = clampQuality(quality);
    let tables = this.tablesByQuality.get(q);
    if (!tables) {
      tables = qualityTables(q);
      this.tablesByQuality.set(q, tables);
    }
    const { width, height } = image;
    if (width > MAX_DIMENSION || height > MAX_DIMENSION) {
      throw new ImageInvalidError(`JPEG cannot hold a ${width}×${height} picture (65535 pixels per side at most).`);
    }
    const mcuCols = Math.ceil(width / 16);
    const mcuRows = Math.ceil(height / 16);
    this.toYCbCr(image, mcuCols * 16, mcuRows * 16);
    const blocks = mcuCols * mcuRows * 6;
    if (this.coefficients.length < blocks * 64) this.coefficients = new Int16Array(blocks * 64);

    // First pass: transform and quantise every block, and count the symbols the Huffman coder will need.
    const pw = this.planeW;
    const cw = pw >> 1;
    let at = 0;
    for (let my = 0; my < mcuRows; my++) {
      for (let mx = 0; mx < mcuCols; mx++) {
        const yBase = my * 16 * pw + mx * 16;
        for (const offset of [0, 8, 8 * pw, 8 * pw + 8]) this.quantiseBlock(this.yPlane, yBase + offset, pw, tables.lumaDiv, (at++) * 64);
        const cBase = my * 8 * cw + mx * 8;
        this.quantiseBlock(this.cbPlane, cBase, cw, tables.chromaDiv, (at++) * 64);
        this.quantiseBlock(this.crPlane, cBase, cw, tables.chromaDiv, (at++) * 64);
      }
    }
    for (const counts of this.symbolCounts) counts.fill(0);
    this.codeScan(blocks, true);
    const specs = this.symbolCounts.map((counts) => optimalHuffmanSpec(counts));
    this.codes = specs.map(buildCodes);
    const dht = segment(0xc4, specs.flatMap((spec, t) => dhtBody(TABLE_IDS[t]!, spec)));
    const sof = segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);

    // Second pass: the headers with this frame's tables, then the entropy-coded scan.
    this.pos = 0;
    this.bitBuf = 0;
    this.bitCnt = 0;
    this.ensure(tables.head.length + sof.length + dht.length + this.sos.length + 32);
    for (const part of [tables.head, sof, dht, this.sos]) {
      this.out.set(part, this.pos);
      this.pos += part.length;
    }
    this.codeScan(blocks, false);
    // Pad the last byte with 1-bits (T.81 F.1.2.3), then EOI.
    if (this.bitCnt > 0) this.put((1 << (8 - this.bitCnt)) - 1, 8 - this.bitCnt);
    this.out[this.pos++] = 0xff;
    this.out[this.pos++] = 0xd9;
    return this.out.slice(0, this.pos);
  }

  /** Fills level-shifted Y (full size) and Cb/Cr (2×2 averaged) planes, replicating edge pixels into the padding. */
  private toYCbCr(image: RgbaImage, pw: number, ph: number): void {
    if (pw !== this.planeW || ph !== this.planeH) {
      this.planeW = pw;
      this.planeH = ph;
      this.yPlane = new Float32Array(pw * ph);
      this.cbPlane = new Float32Array((pw * ph) >> 2);
      this.crPlane = new Float32Array((pw * ph) >> 2);
    }
    const { width, height, data } = image;
    const yp = this.yPlane;
    for (let y = 0; y < ph; y++) {
      const row = (y < height ? y : height - 1) * width * 4;
      const o = y * pw;
      for (let x = 0; x < pw; x++) {
        const i = row + (x < width ? x : width - 1) * 4;
        yp[o + x] = 0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0) - 128;
      }
    }
    const cw = pw >> 1;
    const ch = ph >> 1;
    const cb = this.cbPlane;
    const cr = this.crPlane;
    for (let y = 0; y < ch; y++) {
      const y0 = Math.min(2 * y, height - 1) * width * 4;
      const y1 = Math.min(2 * y + 1, height - 1) * width * 4;
      for (let x = 0; x < cw; x++) {
        const x0 = Math.min(2 * x, width - 1) * 4;
        const x1 = Math.min(2 * x + 1, width - 1) * 4;
        const r = ((data[y0 + x0] ?? 0) + (data[y0 + x1] ?? 0) + (data[y1 + x0] ?? 0) + (data[y1 + x1] ?? 0)) * 0.25;
        const g =
          ((data[y0 + x0 + 1] ?? 0) + (data[y0 + x1 + 1] ?? 0) + (data[y1 + x0 + 1] ?? 0) + (data[y1 + x1 + 1] ?? 0)) *
          0.25;
        const b =
          ((data[y0 + x0 + 2] ?? 0) + (data[y0 + x1 + 2] ?? 0) + (data[y1 + x0 + 2] ?? 0) + (data[y1 + x1 + 2] ?? 0)) *
          0.25;
        cb[y * cw + x] = -0.168736 * r - 0.331264 * g + 0.5 * b;
        cr[y * cw + x] = 0.5 * r - 0.418688 * g - 0.081312 * b;
      }
    }
  }

  /** DCT and quantisation of the 8×8 block at `base` (stride `stride`) into the coefficients at `into`, zigzag order. */
  private quantiseBlock(plane: Float32Array, base: number, stride: number, div: Float32Array, into: number): void {
    const d = this.block;
    for (let r = 0; r < 8; r++) {
      const s = base + r * stride;
      const o = r * 8;
      for (let c = 0; c < 8; c++) d[o + c] = plane[s + c] ?? 0;
    }
    fdct(d);
    const zz = this.coefficients;
    for (let i = 0; i < 64; i++) {
      const v = (d[i] ?? 0) * (div[i] ?? 0);
      let q = v > 0 ? (v + 0.5) | 0 : (v - 0.5) | 0;
      // Baseline AC magnitudes fit 10 bits; only quality near 100 can exceed that.
      if (i > 0) q = q > 1023 ? 1023 : q < -1023 ? -1023 : q;
      zz[into + (ZIGZAG[i] ?? 0)] = q;
    }
  }

  /**
   * Runs the scan's Huffman coding over every block (four luma, then Cb and Cr, per MCU): counting symbols in the
   * first pass, writing codes and extra bits in the second. One routine for both, so they cannot disagree.
   */
  private codeScan(blocks: number, counting: boolean): void {
    const zz = this.coefficients;
    const dcPred = [0, 0, 0];
    for (let block = 0; block < blocks; block++) {
      const inMcu = block % 6;
      const component = inMcu < 4 ? 0 : inMcu - 3;
      const dcTable = component === 0 ? LUMA_DC_TABLE : CHROMA_DC_TABLE;
      const acTable = component === 0 ? LUMA_AC_TABLE : CHROMA_AC_TABLE;
      const base = block * 64;
      if (!counting) this.ensure(this.pos + MAX_BYTES_PER_MCU);
      let diff = (zz[base] ?? 0) - dcPred[component]!;
      diff = diff > 2047 ? 2047 : diff < -2047 ? -2047 : diff;
      dcPred[component]! += diff;
      const dcCat = diff === 0 ? 0 : 32 - Math.clz32(diff < 0 ? -diff : diff);
      this.symbol(dcTable, dcCat, counting);
      if (!counting && dcCat > 0) this.put(diff < 0 ? diff + (1 << dcCat) - 1 : diff, dcCat);
      let end = 63;
      while (end > 0 && zz[base + end] === 0) end--;
      let run = 0;
      for (let k = 1; k <= end; k++) {
        const v = zz[base + k] ?? 0;
        if (v === 0) {
          run++;
          continue;
        }
        while (run >= 16) {
          this.symbol(acTable, 0xf0, counting);
          run -= 16;
        }
        const cat = 32 - Math.clz32(v < 0 ? -v : v);
        this.symbol(acTable, (run << 4) | cat, counting);
        if (!counting) this.put(v < 0 ? v + (1 << cat) - 1 : v, cat);
        run = 0;
      }
      if (end < 63) this.symbol(acTable, 0x00, counting);
    }
  }

  private symbol(table: number, symbol: number, counting: boolean): void {
    if (counting) {
      this.symbolCounts[table]![symbol]! += 1;
      return;
    }
    const codes = this.codes[table]!;
    this.put(codes.code[symbol] ?? 0, codes.size[symbol] ?? 0);
  }

  private put(bits: number, len: number): void {
    // At most 7 pending bits plus 16 new ones: stays well inside 32-bit integer arithmetic.
    this.bitBuf = (this.bitBuf << len) | (bits & ((1 << len) - 1));
    this.bitCnt += len;
    while (this.bitCnt >= 8) {
      this.bitCnt -= 8;
      const byte = (this.bitBuf >> this.bitCnt) & 0xff;
      this.out[this.pos++] = byte;
      if (byte === 0xff) this.out[this.pos++] = 0;
    }
    this.bitBuf &= (1 << this.bitCnt) - 1;
  }

  private ensure(capacity: number): void {
    if (capacity <= this.out.length) return;
    const grown = new Uint8Array(Math.max(capacity, this.out.length * 2));
    grown.set(this.out.subarray(0, this.pos));
    this.out = grown;
  }
}

/** In-place 2-D forward DCT, AAN float algorithm (IJG jfdctflt.c); output is scaled, see `divisors`. */
function fdct(d: Float32Array): void {
  for (let pass = 0; pass < 2; pass++) {
    const step = pass === 0 ? 1 : 8;
    const next = pass === 0 ? 8 : 1;
    for (let n = 0, o = 0; n < 8; n++, o += next) {
      const d0 = d[o] ?? 0;
      const d1 = d[o + step] ?? 0;
      const d2 = d[o + 2 * step] ?? 0;
      const d3 = d[o + 3 * step] ?? 0;
      const d4 = d[o + 4 * step] ?? 0;
      const d5 = d[o + 5 * step] ?? 0;
      const d6 = d[o + 6 * step] ?? 0;
      const d7 = d[o + 7 * step] ?? 0;
      const t0 = d0 + d7;
      const t7 = d0 - d7;
      const t1 = d1 + d6;
      const t6 = d1 - d6;
      const t2 = d2 + d5;
      const t5 = d2 - d5;
      const t3 = d3 + d4;
      const t4 = d3 - d4;
      const t10 = t0 + t3;
      const t13 = t0 - t3;
      const t11 = t1 + t2;
      const t12 = t1 - t2;
      d[o] = t10 + t11;
      d[o + 4 * step] = t10 - t11;
      const z1 = (t12 + t13) * 0.707106781;
      d[o + 2 * step] = t13 + z1;
      d[o + 6 * step] = t13 - z1;
      const s10 = t4 + t5;
      const s11 = t5 + t6;
      const s12 = t6 + t7;
      const z5 = (s10 - s12) * 0.382683433;
      const z2 = 0.5411961 * s10 + z5;
      const z4 = 1.306562965 * s12 + z5;
      const z3 = s11 * 0.707106781;
      const z11 = t7 + z3;
      const z13 = t7 - z3;
      d[o + 5 * step] = z13 + z2;
      d[o + 3 * step] = z13 - z2;
      d[o + step] = z11 + z4;
      d[o + 7 * step] = z11 - z4;
    }
  }
}

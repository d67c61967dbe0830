/**
 * Splits a byte stream of concatenated JPEGs (ffmpeg `-f image2pipe -c:v mjpeg`, camera MJPEG) into frames.
 *
 * It follows the JPEG structure instead of searching for FF D9: header segments are skipped by their length (an
 * embedded EXIF thumbnail can contain FF D9), and in entropy-coded data FF 00 (stuffing) and FF D0–D7 (restart
 * markers) are data, so the first other marker there ends the scan.
 */
import { JpegInvalidError } from './errors.js';

/** Default largest frame accepted before the splitter gives up on the stream: 8 MiB. */
export const DEFAULT_MAX_MJPEG_FRAME = 8 * 1024 * 1024;

// Parser states (STYLE.md: `as const` objects rather than enums).
const State = { SeekSoi: 0, Segments: 1, Entropy: 2 } as const;
type State = (typeof State)[keyof typeof State];

/** Stateful splitter; push chunks as they arrive, get the complete frames they finish. */
export class MjpegSplitter {
  private buf = new Uint8Array(0);
  private len = 0;
  private state: State = State.SeekSoi;
  // Index in `buf` where parsing resumes, so a chunk is never scanned twice.
  private cursor = 0;
  private readonly maxFrame: number;

  constructor(maxFrameBytes: number = DEFAULT_MAX_MJPEG_FRAME) {
    this.maxFrame = maxFrameBytes;
  }

  /**
   * Appends `chunk` and returns every frame it completed, oldest first (each a fresh copy).
   * @throws JpegInvalidError when one frame grows past the size limit (the stream is not MJPEG, or is corrupt).
   */
  push(chunk: Uint8Array): Uint8Array[] {
    this.append(chunk);
    const frames: Uint8Array[] = [];
    for (;;) {
      const end = this.scan();
      if (end < 0) break;
      frames.push(this.buf.slice(0, end));
      this.buf.copyWithin(0, end, this.len);
      this.len -= end;
      this.cursor = 0;
      this.state = State.SeekSoi;
    }
    if (this.len > this.maxFrame) {
      this.len = 0;
      this.cursor = 0;
      this.state = State.SeekSoi;
      throw new JpegInvalidError(`MJPEG frame larger than ${this.maxFrame} bytes: the stream is not MJPEG or is corrupt.`);
    }
    return frames;
  }

  /** Returns the end offset of a complete frame starting at 0, or -1 when more bytes are needed. */
  private scan(): number {
    const b = this.buf;
    const n = this.len;
    let i = this.cursor;
    if (this.state === State.SeekSoi) {
      // Drop anything before the next SOI.
      let s = 0;
      while (s + 1 < n && !(b[s] === 0xff && b[s + 1] === 0xd8)) s++;
      if (s + 1 >= n) {
        // Keep a trailing FF: it may be the first half of an SOI.
        const keep = n > 0 && b[n - 1] === 0xff ? 1 : 0;
        b.copyWithin(0, n - keep, n);
        this.len = keep;
        this.cursor = 0;
        return -1;
      }
      if (s > 0) {
        b.copyWithin(0, s, n);
        this.len = n - s;
        return this.scanFrom(2, State.Segments);
      }
      i = 2;
      this.state = State.Segments;
    }
    return this.scanFrom(i, this.state);
  }

  private scanFrom(start: number, state: State): number {
    const b = this.buf;
    let n = this.len;
    let i = start;
    this.state = state;
    while (i + 1 < n) {
      if (b[i] === 0xff && b[i + 1] === 0xd8) {
        // An SOI where only a marker can be: the frame before it was cut short. Drop it and start over at the SOI;
        // read as a segment, its length would be the next segment's marker (FF E0: 64 KiB), and the frames in
        // those bytes would be lost with it.
        b.copyWithin(0, i, n);
        n = this.len = n - i;
        i = 2;
        this.state = State.Segments;
        continue;
      }
      if (this.state === State.Segments) {
        if (b[i] !== 0xff) {
          i++; // tolerate junk between segments
          continue;
        }
        const marker = b[i + 1] ?? 0;
        if (marker === 0xff || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
          i += marker === 0xff ? 1 : 2;
          continue;
        }
        if (marker === 0xd9) return i + 2;
        if (i + 4 > n) break;
        const segLen = ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0);
        if (i + 2 + segLen > n) break;
        i += 2 + segLen;
        if (marker === 0xda) this.state = State.Entropy;
      } else {
        if (b[i] !== 0xff) {
          i++;
          continue;
        }
        const next = b[i + 1] ?? 0;
        if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) {
          i += next === 0xff ? 1 : 2;
          continue;
        }
        if (next === 0xd9) return i + 2;
        // Another marker (a second scan of a progressive JPEG, DHT between scans): back to segments.
        this.state = State.Segments;
      }
    }
    this.cursor = i;
    return -1;
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.len + chunk.length, this.buf.length * 2, 65_536));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }
}

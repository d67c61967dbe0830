/**
 * A growable byte buffer for escape sequences. The renderer writes a few bytes per cell; building strings per cell
 * and joining them was the slow part of naive renderers, so this writes ASCII straight into one preallocated Buffer.
 */

// ASCII digits of 0..999, so writing a colour component or a coordinate is a table lookup and a short copy.
const DIGITS: Uint8Array[] = Array.from({ length: 1000 }, (_, n) => Buffer.from(String(n), 'latin1'));

/** An append-only byte buffer with fast writers for the pieces of SGR and CUP sequences. */
export class AnsiWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity = 4096) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Empties the buffer and makes sure `capacity` bytes fit without growing. */
  reset(capacity: number): void {
    this.pos = 0;
    if (this.buf.length < capacity) this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Grows the buffer so `extra` more bytes fit. */
  reserve(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.pos + extra, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes a non-negative integer in decimal. */
  num(n: number): void {
    if (n < 1000) {
      this.bytes(DIGITS[n] ?? DIGITS[0] ?? new Uint8Array(0));
      return;
    }
    this.pos += this.buf.write(String(n), this.pos, 'latin1');
  }

  /** CUP: moves the cursor to 0-based column `x`, row `y` (written 1-based). */
  cup(x: number, y: number): void {
    this.byte(0x1b);
    this.byte(0x5b);
    this.num(y + 1);
    this.byte(0x3b);
    this.num(x + 1);
    this.byte(0x48);
  }

  /** A copy of what was written, safe to keep after the next `reset`. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }
}

/** Encodes an ASCII/UTF-8 string once, for constant sequences. */
export function bytesOf(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

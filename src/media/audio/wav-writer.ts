/**
 * Appends 48 kHz mono 16-bit audio to a WAV file for `--record` (SPEC §1 `<name>.wav`). The header's RIFF and data
 * sizes are rewritten at most every `headerIntervalMs` and on close, so a crash or kill leaves a valid file that is
 * missing at most that much audio in its declared length (readers that trust the data size stop early; the bytes are
 * still there).
 *
 * Writes are synchronous on purpose: a 20 ms frame is 1,920 bytes into the page cache (microseconds), and a sync
 * write keeps the header and the data ordered without a queue; once `append` returns the bytes survive a crash of
 * this process.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs';
import { CHANNELS, SAMPLE_RATE } from './format.js';
import { shortWriteError } from '../../util/coded-error.js';

const HEADER_BYTES = 44;
/** The largest data size a RIFF header can state. 48 kHz mono 16-bit reaches it after ~12 hours. */
const MAX_DATA_BYTES = 0xffffffff - 36;

/** Options of `WavFileWriter`. */
export interface WavFileWriterOptions {
  /** Sample rate written in the header. Default 48,000 (`format.ts`). */
  sampleRate?: number;
  /** Channel count written in the header. Default 1. */
  channels?: number;
  /** Rewrite the size fields at most this often. Default 500 ms. */
  headerIntervalMs?: number;
  /** Monotonic milliseconds, injected by tests. Default `performance.now`. */
  now?: () => number;
}

/** A WAV file being written; see the module comment for the crash-safety guarantee. */
export class WavFileWriter {
  private fd: number | undefined;
  /** Put aside by `suspend`: the next write opens the file again where it left off. */
  private suspended = false;
  private dataBytes = 0;
  private headerWrittenAt: number;
  private headerDataBytes = 0;
  private readonly headerIntervalMs: number;
  private readonly now: () => number;
  private readonly sampleRate: number;
  private readonly channels: number;

  /** Creates (truncates) `path` and writes a header declaring no data yet. Throws the fs error if it cannot. */
  constructor(readonly path: string, opts: WavFileWriterOptions = {}) {
    this.sampleRate = opts.sampleRate ?? SAMPLE_RATE;
    this.channels = opts.channels ?? CHANNELS;
    this.headerIntervalMs = opts.headerIntervalMs ?? 500;
    this.now = opts.now ?? (() => performance.now());
    this.fd = openSync(path, 'w');
    try {
      const written = writeSync(this.fd, this.header(0), 0, HEADER_BYTES, 0);
      if (written < HEADER_BYTES) throw shortWriteError(written, HEADER_BYTES);
    } catch (err) {
      // No file rather than a broken one (a full disk left a 0-byte .wav no player opens); a device stays.
      const regularFile = fstatSync(this.fd).isFile();
      closeSync(this.fd);
      this.fd = undefined;
      if (regularFile) rmSync(path, { force: true });
      throw err;
    }
    this.headerWrittenAt = this.now();
  }

  /** Samples (per channel) written so far: the file's timeline position. */
  get samplesWritten(): number {
    return this.dataBytes / (2 * this.channels);
  }

  /** Samples (per channel) that still fit before the format's 4 GiB limit. */
  get samplesLeft(): number {
    return Math.floor((MAX_DATA_BYTES - this.dataBytes) / (2 * this.channels));
  }

  /** Appends samples (interleaved when several channels). */
  append(pcm: Int16Array): void {
    const fd = this.requireOpen();
    const room = MAX_DATA_BYTES - this.dataBytes;
    const bytes = Math.min(pcm.byteLength, room - (room % 2));
    if (bytes <= 0) {
      if (pcm.byteLength === 0) return;
      // Said, not swallowed: the recorder reports it once and stops this file (and writeSilence ends here).
      throw new Error(`the WAV format's 4 GiB limit is reached (${Math.floor(this.samplesWritten / this.sampleRate / 3600)} hours)`);
    }
    const written = writeSync(fd, new Uint8Array(pcm.buffer, pcm.byteOffset, bytes), 0, bytes, HEADER_BYTES + this.dataBytes);
    if (written < bytes) {
      // A short write is a full disk: keep whole samples, cut the stray bytes, and leave a header that matches.
      this.dataBytes += written - (written % (2 * this.channels));
      ftruncateSync(fd, HEADER_BYTES + this.dataBytes);
      this.writeSizes();
      throw shortWriteError(written, bytes);
    }
    this.dataBytes += bytes;
    this.maybeUpdateHeader();
  }

  /**
   * Appends `samples` samples of silence (used to fill gaps so the file follows wall-clock time). Zeros are not
   * written but the file is made longer, which leaves a hole that reads as zeros: someone back after an hour away
   * wrote 345 MB, one 9.6 KB write after another, and held the call up for seconds (minutes on an SD card).
   */
  writeSilence(samples: number): void {
    const fd = this.requireOpen();
    const wanted = Math.max(0, Math.floor(samples)) * 2 * this.channels;
    const room = MAX_DATA_BYTES - this.dataBytes;
    const bytes = Math.min(wanted, room - (room % (2 * this.channels)));
    if (bytes > 0) {
      ftruncateSync(fd, HEADER_BYTES + this.dataBytes + bytes);
      this.dataBytes += bytes;
      this.maybeUpdateHeader();
    }
    // Said as append says it: the recorder reports it once and stops this file.
    if (bytes < wanted) this.append(new Int16Array(this.channels));
  }

  /** Writes the final sizes and closes the file. Safe to call twice, and after `suspend`. */
  close(): void {
    this.suspended = false;
    if (this.fd === undefined) return;
    this.writeSizes();
    closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Writes the sizes and gives the descriptor back, for a file that may get no more audio for a long time (someone
   * who left the call); the next `append` opens it again and goes on where it stopped.
   */
  suspend(): void {
    if (this.fd === undefined) return;
    this.close();
    this.suspended = true;
  }

  private requireOpen(): number {
    if (this.fd === undefined && this.suspended) {
      this.fd = openSync(this.path, 'r+');
      this.suspended = false;
    }
    if (this.fd === undefined) throw new Error(`WAV writer for ${this.path} is closed`);
    return this.fd;
  }

  private maybeUpdateHeader(): void {
    const now = this.now();
    if (now - this.headerWrittenAt < this.headerIntervalMs || this.headerDataBytes === this.dataBytes) return;
    this.writeSizes();
    this.headerWrittenAt = now;
  }

  // Only the two size fields change: two 4-byte writes.
  private writeSizes(): void {
    const fd = this.requireOpen();
    const field = new DataView(new ArrayBuffer(4));
    field.setUint32(0, 36 + this.dataBytes, true);
    writeSync(fd, new Uint8Array(field.buffer), 0, 4, 4);
    field.setUint32(0, this.dataBytes, true);
    writeSync(fd, new Uint8Array(field.buffer), 0, 4, 40);
    this.headerDataBytes = this.dataBytes;
  }

  private header(dataBytes: number): Uint8Array {
    const buf = new Uint8Array(HEADER_BYTES);
    const view = new DataView(buf.buffer);
    const ascii = (at: number, s: string): void => {
      for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
    };
    ascii(0, 'RIFF');
    view.setUint32(4, 36 + dataBytes, true);
    ascii(8, 'WAVE');
    ascii(12, 'fmt ');
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, this.channels, true);
    view.setUint32(24, this.sampleRate, true);
    view.setUint32(28, this.sampleRate * this.channels * 2, true);
    view.setUint16(32, this.channels * 2, true);
    view.setUint16(34, 16, true);
    ascii(36, 'data');
    view.setUint32(40, dataBytes, true);
    return buf;
  }
}

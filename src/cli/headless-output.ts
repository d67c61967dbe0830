import { fstatSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { fsErrorText } from '../util/fs-errors.js';
import { errorLine } from './printable.js';

/**
 * Write errors that say whoever read stdout went away: a closed pipe, a closed socket, a terminal that was closed
 * (EIO: its SIGHUP is on its way, and stderr, the same terminal, fails too).
 */
const READER_GONE_CODES: ReadonlySet<string> = new Set(['EPIPE', 'ECONNRESET', 'EIO']);

/** A file descriptor written to at once: `fs.writeSync`'s shape (bytes written, possibly fewer than given; throws). */
export type WriteSome = (bytes: Uint8Array) => number;

export interface HeadlessOutputOptions {
  /**
   * Where the lines go. A function: stdout is a file (`> events.jsonl`) or a device (`/dev/full`), written at once,
   * so a failed or short write is known and the stream can go on after it. A stream: a pipe or a terminal, whose
   * errors arrive as events and after which it is destroyed.
   */
  out: WriteSome | NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /**
   * The `ts` of a line that has none (ms since 1970): every event is stamped when printed; a `chat` line keeps the
   * server's stamp it came with.
   */
  now: () => number;
  /** Whoever read stdout went away (`| head`): nobody follows the call any more. Called once. */
  readerGone: () => void;
}

/**
 * The headless JSON lines on stdout, and what happens when they cannot be written (README "Headless participants").
 * A reader that went away ends the call (`readerGone`). Any other failure of a file (a full disk under
 * `> events.jsonl`) is said once on stderr; the events meanwhile are counted, not kept (memory stays bounded), and
 * once a write goes through again an `events-lost` line says how many were lost, and the events go on. A line the
 * failure cut off is finished before anything else, so every line in the file stays whole. A stream (a pipe) that
 * fails otherwise is destroyed by Node: its events stop, as said on stderr.
 */
export class HeadlessOutput {
  private gone = false;
  private stopped = false;
  /** The rest of a line a failed write cut off: finished first once writes go through, or a line in the file breaks. */
  private rest: Uint8Array | undefined;
  /** Events not written since writes began to fail. */
  private lost = 0;
  /** Set while writes fail: the first error of the outage, said once on stderr. */
  private failure: NodeJS.ErrnoException | undefined;

  constructor(private readonly options: HeadlessOutputOptions) {
    const { out, stderr } = options;
    if (typeof out !== 'function') {
      out.on('error', (err: NodeJS.ErrnoException) => {
        if (this.gone || this.stopped) return;
        if (READER_GONE_CODES.has(err.code ?? '')) return this.readerLeft();
        this.stopped = true;
        stderr.write(errorLine(`cannot write events to stdout (${fsErrorText(err)}): they stop, the call goes on`));
      });
    }
  }

  /** Prints one event line, or counts it lost while stdout cannot be written. */
  print(value: object): void {
    if (this.gone || this.stopped) return;
    const out = this.options.out;
    const line = lineOf(value, this.options.now());
    if (typeof out !== 'function') {
      out.write(line);
      return;
    }
    if (this.rest) {
      const written = this.write(out, this.rest);
      if (this.gone) return;
      if (written < this.rest.length) {
        this.rest = this.rest.subarray(written);
        this.lost += 1;
        return;
      }
      this.rest = undefined;
    }
    if (this.failure && !this.recovered(out)) {
      if (!this.gone) this.lost += 1;
      return;
    }
    this.writeLine(out, line);
  }

  /**
   * The last line is printed: events lost since writes last went, which no `events-lost` line will count now, are
   * counted on stderr (a bot's log that ends early says why, and how much is missing).
   */
  end(): void {
    if (this.gone || !this.failure || (this.lost === 0 && !this.rest)) return;
    const lost = this.lost === 1 ? '1 event was' : `${this.lost} events were`;
    const cut = this.rest ? '; the last line written is cut off' : '';
    const why = fsErrorText(this.failure);
    this.options.stderr.write(errorLine(`${lost} lost while stdout could not be written (${why})${cut}`));
  }

  /**
   * While writes fail: tries again with how many events were lost, and returns whether writes go through again (that
   * line whole: the events go on). The line cut off is finished first next time.
   */
  private recovered(out: WriteSome): boolean {
    const lost = this.lost;
    const message = lost === 1
      ? `1 event was lost while stdout could not be written (${fsErrorText(this.failure)})`
      : `${lost} events were lost while stdout could not be written (${fsErrorText(this.failure)})`;
    if (lost > 0) {
      const line = lineOf({ type: 'events-lost', count: lost, message }, this.options.now());
      const written = this.write(out, line);
      if (written === 0) return false;
      this.lost = 0;
      if (written < line.length) {
        this.rest = line.subarray(written);
        return false;
      }
    }
    this.failure = undefined;
    const counted = lost > 0 ? message : 'none were lost';
    this.options.stderr.write(errorLine(`events are written to stdout again; ${counted}`));
    return true;
  }

  /** Writes one event's line: cut off by a failure, its rest is finished first later; not begun at all, it is lost. */
  private writeLine(out: WriteSome, line: Uint8Array): void {
    const written = this.write(out, line);
    if (written === line.length || this.gone) return;
    if (written > 0) this.rest = line.subarray(written);
    else this.lost += 1;
  }

  /**
   * Writes `bytes` and returns how many went before a failure (all of them: none). The first failure of an outage is
   * said on stderr; a reader gone ends the output.
   */
  private write(out: WriteSome, bytes: Uint8Array): number {
    let offset = 0;
    try {
      while (offset < bytes.length) {
        const written = out(bytes.subarray(offset));
        // A device that takes nothing and says nothing: a failure, or this loop would never end.
        if (written <= 0) throw Object.assign(new Error('stdout took nothing'), { code: 'EAGAIN' });
        offset += written;
      }
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      if (READER_GONE_CODES.has(err.code ?? '')) this.readerLeft();
      else if (!this.failure) {
        this.failure = err;
        this.options.stderr.write(errorLine(
          `cannot write events to stdout (${fsErrorText(err)}): they are lost, and counted, until it can be written `
            + 'again; the call goes on',
        ));
      }
    }
    return offset;
  }

  private readerLeft(): void {
    this.gone = true;
    this.options.readerGone();
  }
}

/**
 * How `stdout` is written: a file or a device that is not a terminal (`> events.jsonl`, `>/dev/full`) at once, by its
 * descriptor, so that a full disk is known at the write that failed and how much of it went; anything else (a pipe, a
 * terminal, a stream without a descriptor) as the stream it is. Node writes such files at once too (SyncWriteStream),
 * but one failure destroys that stream, and a short write loses the rest of the line without a word.
 */
export function headlessOut(stdout: NodeJS.WritableStream): WriteSome | NodeJS.WritableStream {
  const fd = (stdout as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return stdout;
  try {
    const stats = fstatSync(fd);
    if (stats.isFile() || (stats.isCharacterDevice() && !isatty(fd))) return (bytes) => writeSync(fd, bytes);
  } catch {
    // Not a descriptor we can look at: written as the stream.
  }
  return stdout;
}

/** One JSON line, `ts` last unless it has its own. */
function lineOf(value: object, now: number): Uint8Array {
  return Buffer.from(`${JSON.stringify('ts' in value ? value : { ...value, ts: now })}\n`);
}

/**
 * Reading `--password-file FILE`: its first line, as `openssl -passin file:` and `sshpass -f` take it. A file or a
 * pipe (`--password-file <(pass show room)`), read without blocking the process and each step within a limit: a
 * named pipe that nothing opens, or whose writer sends nothing, hung the program for ever, saying nothing.
 */
import { stat } from 'node:fs/promises';
import { fsErrorText } from '../util/fs-errors.js';
import { openWithin, readWithin } from '../util/pipe-waits.js';
import { UsageError } from './exit-codes.js';

/** Limits of {@link readPasswordFile}. */
export interface PasswordFileLimits {
  /** How long opening it may take (a pipe opens once its writer opens it). Default 5 s. */
  openWithinMs: number;
  /**
   * How long its first line may take to come through a pipe, after it opened. Default 30 s: a password manager behind
   * `<(…)` may first ask for its own passphrase.
   */
  lineWithinMs: number;
}

const DEFAULT_LIMITS: PasswordFileLimits = { openWithinMs: 5000, lineWithinMs: 30_000 };

/** The most read looking for the end of the first line (`--password-file /dev/zero` would never end). */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * The first line of `path`, without a Windows line end or a byte-order mark (Notepad's UTF-8): a regular file or a
 * named pipe; only as much is read as that takes, so a writer that keeps its pipe open after the line is no wait.
 * @throws UsageError (one sentence) when it cannot be read, is a device or a folder, is empty, has a first line over
 *   64 KiB, or does not open, or give its line, within the limits.
 */
export async function readPasswordFile(path: string, limits: Partial<PasswordFileLimits> = {}): Promise<string> {
  const { openWithinMs, lineWithinMs } = { ...DEFAULT_LIMITS, ...limits };
  const cannot = (reason: string): UsageError => new UsageError(`cannot read the password file ${path}: ${reason}`);
  let bytes: Buffer;
  try {
    const kind = await stat(path);
    if (kind.isDirectory()) throw cannot('it is a folder, not a file');
    if (!kind.isFile() && !kind.isFIFO()) throw cannot('it is a device, not a file or a pipe');
    bytes = await readFirstLine(path, openWithinMs, lineWithinMs);
  } catch (err) {
    throw err instanceof UsageError ? err : cannot(fsErrorText(err));
  }
  const end = bytes.indexOf(0x0a);
  if (end > MAX_LINE_BYTES || (end < 0 && bytes.length > MAX_LINE_BYTES)) {
    throw cannot(`its first line is longer than ${MAX_LINE_BYTES / 1024} KiB`);
  }
  const line = bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
  const password = line.replace(/^\uFEFF/, '').replace(/\r$/, '');
  if (password.length === 0) throw new UsageError(`the password file ${path} is empty`);
  return password;
}

/** The bytes of `path` up to its first line end, its end, or just past MAX_LINE_BYTES, whichever comes first. */
async function readFirstLine(path: string, openWithinMs: number, lineWithinMs: number): Promise<Buffer> {
  const file = await openWithin(path, openWithinMs);
  try {
    const deadline = Date.now() + lineWithinMs;
    const late = `its first line did not come through within ${lineWithinMs / 1000} s`
      + ' (a named pipe whose writer sends nothing?)';
    const pieces: Buffer[] = [];
    let total = 0;
    for (;;) {
      const piece = Buffer.alloc(4096);
      const bytesRead = await readWithin(file, path, piece, Math.max(1, deadline - Date.now()), late);
      if (bytesRead === 0) break;
      pieces.push(piece.subarray(0, bytesRead));
      total += bytesRead;
      if (piece.subarray(0, bytesRead).includes(0x0a) || total > MAX_LINE_BYTES) break;
    }
    return Buffer.concat(pieces);
  } finally {
    await file.close();
  }
}

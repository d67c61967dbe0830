/**
 * The log file of a call screen or a hosted server. A log that cannot be written (a full disk, a file on /dev/full)
 * must not end the call: writing stops, and whoever shows the call is told once. (A write error on a Node stream
 * with no listener is an uncaught exception.)
 */
import { closeSync, constants, createWriteStream, openSync, statSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { fsErrorText, makeDirectory } from '../util/fs-errors.js';
import { UsageError } from './exit-codes.js';

export interface LogFile {
  readonly path: string;
  /** Appends `text`; nothing once writing failed. */
  write(text: string | Uint8Array): void;
  /** Calls `listener` once with one sentence when writing fails (at once if it already has). */
  onFailure(listener: (message: string) => void): void;
  end(): void;
}

export interface OpenLogFileOptions {
  /**
   * false for the default log in the config dir, which nobody asked for: when it cannot be opened (a read-only home,
   * a config dir owned by root) the call goes on without a log, and says so as a full disk does. Default true: a
   * `--log-file` that cannot be opened is a usage error.
   */
  asked?: boolean;
}

/**
 * Opens `--log-file` for appending, making its folder (never Node's recursive mkdir: it spins for ever under /proc).
 * Opened here, not by the stream, so a file that cannot be opened is one sentence and exit 2, not a crash later.
 * @throws UsageError when it cannot be opened.
 */
export function openLogFile(path: string, options: OpenLogFileOptions = {}): LogFile {
  let stream: WriteStream;
  try {
    // Private, as the config dir it usually lives in (the TLS key and known_hosts go there too): a folder made here
    // first must not leave that dir open to everyone.
    makeDirectory(dirname(path), 0o700);
    if (isFifo(path)) checkFifoHasReader(path);
    stream = createWriteStream(path, { fd: openSync(path, 'a', 0o600) });
  } catch (err) {
    if (options.asked === false) return failedLogFile(path, `cannot write the log file ${path} (${fsErrorText(err)}): logging stops, the call goes on`);
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot write the log file ${path}: ${fsErrorText(err)}`);
  }
  let failure: string | undefined;
  const listeners: Array<(message: string) => void> = [];
  stream.on('error', (err) => {
    if (failure !== undefined) return;
    failure = `cannot write the log file ${path} (${fsErrorText(err)}): logging stops, the call goes on`;
    for (const listener of listeners) listener(failure);
  });
  return {
    path,
    write(text) {
      if (failure === undefined && !stream.destroyed) stream.write(text);
    },
    onFailure(listener) {
      if (failure !== undefined) listener(failure);
      else listeners.push(listener);
    },
    end() {
      if (!stream.destroyed) stream.end();
    },
  };
}

function isFifo(path: string): boolean {
  try {
    return statSync(path).isFIFO();
  } catch {
    return false;
  }
}

/**
 * Opening a named pipe for writing waits, with the whole program, until something opens it for reading: a blank
 * terminal for ever. Asked without waiting first (O_NONBLOCK says ENXIO when no one reads).
 * @throws UsageError when nothing reads from it.
 */
function checkFifoHasReader(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') {
      throw new UsageError(`the log file ${path} is a named pipe that nothing reads from: start its reader first (e.g. cat ${path})`);
    }
    throw err;
  }
  closeSync(fd);
}

/** A log that could not be opened: writes go nowhere, and `message` is told to whoever asks. */
function failedLogFile(path: string, message: string): LogFile {
  return {
    path,
    write() {},
    onFailure(listener) {
      listener(message);
    },
    end() {},
  };
}

/**
 * Tells of `log`'s failure: one already known (a default log that could not be opened) joins `notices`, shown when
 * the call starts (a notice emitted before anything shows the call is lost); a later one goes to `emit` at once.
 */
export function reportLogFailure(log: LogFile, notices: string[], emit: (message: string) => void): void {
  let atStart = true;
  log.onFailure((message) => (atStart ? notices.push(message) : emit(message)));
  atStart = false;
}

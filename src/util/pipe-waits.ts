/**
 * Opening and reading a file that may be a named pipe, each within a time limit. A pipe opens only once something
 * opens its other end, and gives bytes only once that writes: with nothing there, both wait for ever, in a thread of
 * Node's pool that nothing can cancel (and Node cannot exit while one waits). On time out the pipe's other end is
 * opened from here, which lets the waiting call through, and what it then gets is dropped.
 */
import { closeSync, constants, openSync, statSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Runs `work`; fails with `message` once `ms` have passed, after `unblock` (it may throw, which is ignored). */
async function within<T>(work: Promise<T>, ms: number, message: string, unblock: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        unblock();
      } catch {
        // a writer came and went meanwhile: the call has gone through, or fails, by itself
      }
      reject(new Error(message));
    }, ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens `path` for reading, or fails once `ms` have passed: opening a named pipe waits for a writer. The error's
 * message is a reason for a sentence: "it did not open within 5 s (a named pipe with nothing writing into it?)".
 */
export async function openWithin(path: string, ms: number): Promise<FileHandle> {
  const opening = open(path, 'r');
  const message = `it did not open within ${ms / 1000} s (a named pipe with nothing writing into it?)`;
  return within(opening, ms, message, () => {
    // The other end, opened and closed, lets the open through; the handle it gets is closed.
    opening.then((file) => file.close(), () => {});
    if (statSync(path).isFIFO()) closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  });
}

/**
 * Reads from `file` (opened from `path`) into `buffer`, or fails once `ms` have passed with nothing read: a named
 * pipe whose writer opened it and sends nothing. The error's message is `reason`, by default one for a sentence:
 * "nothing came through it within 5 s (a named pipe whose writer sends nothing?)". Resolves to the bytes read, 0 at
 * the end.
 */
export async function readWithin(
  file: FileHandle,
  path: string,
  buffer: Uint8Array,
  ms: number,
  reason?: string,
): Promise<number> {
  const reading = file.read(buffer, 0, buffer.length, null);
  const message = reason ?? `nothing came through it within ${ms / 1000} s (a named pipe whose writer sends nothing?)`;
  const { bytesRead } = await within(reading, ms, message, () => {
    reading.catch(() => {});
    // A byte written into the pipe from here ends the read waiting in its thread (the file cannot be closed until it
    // has); the byte is dropped with the rest.
    if (!statSync(path).isFIFO()) return;
    const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeSync(writer, new Uint8Array(1));
    } finally {
      closeSync(writer);
    }
  });
  return bytesRead;
}

/**
 * The file names of a recording (`--record DIR`, recorder.ts): what a display name becomes on disk, and which names
 * are free in the folder, as any disk the recording is copied to compares them.
 */
import { readdirSync } from 'node:fs';

/** Names Windows keeps for devices, with or without an extension. */
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?=\.|$)/i;

/**
 * Turns a display name into a safe file name stem; non-portable characters become "_". Combining marks stay: they are
 * part of the letters of Devanagari, Thai or Arabic names ("प्रिया" was "प__र_य_"). A leading "." or "-" becomes "_":
 * hidden, or taken for an option by the tools the files go to (`ffmpeg -i -rf.wav`). A Windows device name (CON, NUL,
 * COM1, …, whatever follows its dot) gets "_" after it: CON.wav cannot be made or unpacked there.
 */
export function fileStemForName(name: string): string {
  const stem = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}._-]/gu, '_')
    .replace(/^[.-]+/, '_')
    .replace(/^\p{M}/u, '_')
    .replace(WINDOWS_DEVICE_NAME, '$1_');
  // 64 UTF-16 units (at most 192 bytes, with room for `-2.frames.jsonl` under NAME_MAX), never half a character: a
  // lone surrogate is written to disk as U+FFFD, and participants.jsonl then named a file that was not there.
  return stem.length > 0 ? stem.slice(0, 64).replace(/[\uD800-\uDBFF]$/, '') : 'participant';
}

/**
 * The first of `candidate(1)`, `candidate(2)`, … that is not `taken` (folded) and has none of `suffixes` in `dir`
 * already, whatever the case: a recording goes to disks that ignore it (macOS, Windows, a FAT stick), where Alice.wav
 * and alice.wav made on Linux are one file, and unpacking or copying the folder there kept one of them.
 */
export function freshName(
  dir: string,
  candidate: (n: number) => string,
  suffixes: readonly string[],
  taken: ReadonlySet<string> = new Set(),
): string {
  let present: Set<string>;
  try {
    present = new Set(readdirSync(dir).map(foldedFileName));
  } catch {
    // The folder is gone or unreadable: opening the file fails next, and says so.
    present = new Set();
  }
  for (let n = 1; ; n++) {
    const name = candidate(n);
    const free = !taken.has(foldedFileName(name)) && !suffixes.some((suffix) => present.has(foldedFileName(name + suffix)));
    if (free) return name;
  }
}

/** A file name as a case-insensitive disk compares it (more than one folds alike: a spare -2 at worst). */
export function foldedFileName(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase();
}

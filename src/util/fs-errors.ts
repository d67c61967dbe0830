import { lstatSync, mkdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** What a file-system error means, in words: the error's own message names the syscall and errno, not the problem. */
export function fsErrorText(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EROFS': return 'the file system is read-only';
    case 'ENOSPC': return 'the disk is full';
    // A file size limit (ulimit -f, a quota): a full disk, as far as this file goes.
    case 'EFBIG': return 'the file is too large (a file size limit was reached)';
    case 'EISDIR': return 'it is a folder, not a file';
    case 'ENOTDIR': return 'part of the path is a file, not a folder';
    case 'EEXIST': return 'it already exists';
    case 'ELOOP': return 'its symbolic links point round in a loop';
    default: return (err as Error).message;
  }
}

/**
 * `mkdir -p`, one folder at a time. Node's recursive mkdir never returns for a path under /proc (it retries the parent
 * for ever), and a path that ends in a file deserves a sentence of its own. Throws an Error whose message is that
 * sentence's reason, e.g. "/etc/passwd is a file, not a folder".
 */
export function makeDirectory(path: string, mode?: number): void {
  const missing: string[] = [];
  let at = resolve(path);
  let found = statIfThere(at);
  while (!found) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
    found = statIfThere(at);
  }
  if (found && !found.isDirectory()) throw new Error(`${at} is a file, not a folder`);
  for (const dir of missing) {
    try {
      mkdirSync(dir, mode === undefined ? undefined : { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        // A link to what is not there (`rec -> /media/usb/rec`, the stick not mounted): stat called it missing.
        const link = danglingLinkTarget(dir);
        if (link !== undefined) throw new Error(`${dir} is a link to ${link}, which is not there`, { cause: err });
        // Made meanwhile by someone else: fine, as mkdir -p.
        if (statSync(dir).isDirectory()) continue;
      }
      throw new Error(`cannot create ${dir}: ${fsErrorText(err)}`, { cause: err });
    }
  }
}

/** The path's stats, or undefined when it is not there (also when part of it is a file). */
function statIfThere(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new Error(`cannot use ${path}: ${fsErrorText(err)}`, { cause: err });
  }
}

/** Where `path` points when it is a symbolic link whose target is not there; undefined otherwise. */
export function danglingLinkTarget(path: string): string | undefined {
  try {
    if (!lstatSync(path).isSymbolicLink() || statIfThere(path)) return undefined;
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

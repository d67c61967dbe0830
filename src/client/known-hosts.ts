import { accessSync, constants, readFileSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsErrorText, makeDirectory } from '../util/fs-errors.js';

/**
 * Trust on first use for TLS servers, like SSH's known_hosts: one line per server, `host:port SHA256:<base64>`.
 * Lines starting with `#` are comments.
 */
export const KNOWN_HOSTS_FILE = 'known_hosts';

export type TrustDecision =
  | { type: 'known' }
  | { type: 'new' }
  | { type: 'changed'; expected: string };

export async function readKnownHosts(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [host, fingerprint] = trimmed.split(/\s+/);
    if (host && fingerprint) entries.set(host.toLowerCase(), fingerprint);
  }
  return entries;
}

/** Compares a server's fingerprint with what we stored for it. */
export function decideTrust(known: Map<string, string>, hostPort: string, fingerprint: string): TrustDecision {
  // Host names are not case-sensitive (ssh lowercases them too): LOCALHOST is the server trusted as localhost.
  const expected = known.get(hostPort.toLowerCase());
  if (expected === undefined) return { type: 'new' };
  return expected === fingerprint ? { type: 'known' } : { type: 'changed', expected };
}

/**
 * Throws an Error saying why when `path` cannot serve as the known_hosts file: its folder cannot be made, or the file
 * (if there) cannot be read or written. Checked before a call starts, so a bad config dir is a usage error, not a
 * connection that fails and is retried.
 */
export function checkKnownHostsUsable(path: string): void {
  makeDirectory(dirname(path), 0o700);
  try {
    readFileSync(path);
    accessSync(path, constants.W_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot use ${path}: ${fsErrorText(err)}`, { cause: err });
    try {
      accessSync(dirname(path), constants.W_OK);
    } catch (dirErr) {
      throw new Error(`cannot write in ${dirname(path)}: ${fsErrorText(dirErr)}`, { cause: dirErr });
    }
  }
}

export async function rememberHost(path: string, hostPort: string, fingerprint: string): Promise<void> {
  makeDirectory(dirname(path), 0o700);
  // A file edited by hand may not end its last line: the new entry must not be glued onto it.
  const unended = await readFile(path).then((bytes) => bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a, () => false);
  await appendFile(path, `${unended ? '\n' : ''}${hostPort.toLowerCase()} ${fingerprint}\n`, { mode: 0o600 });
}

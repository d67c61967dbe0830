import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { canonicalHost, formatHostPort } from '../net/address.js';
import { danglingLinkTarget, fsErrorText, makeDirectory } from '../util/fs-errors.js';

/**
 * Trust on first use for TLS servers, like SSH's known_hosts: one line per server, `host:port SHA256:<base64>`.
 * Lines starting with `#` are comments.
 */
export const KNOWN_HOSTS_FILE = 'known_hosts';

export type TrustDecision =
  | { type: 'known' }
  | { type: 'new' }
  | { type: 'changed'; expected: string }
  /** The host's line holds no whole fingerprint (a line cut short by a full disk, a bad hand edit): not a key change. */
  | { type: 'damaged'; stored: string };

/** `SHA256:` and 43 base64 characters (32 bytes), as ssh-keygen -l prints; padding and the prefix's case tolerated. */
const FINGERPRINT_LINE = /^sha256:([A-Za-z0-9+/]{43})=?$/i;

/** The stored text as a fingerprint in the printed form, or undefined when it is not a whole one. */
function wholeFingerprint(text: string): string | undefined {
  const match = FINGERPRINT_LINE.exec(text);
  return match ? `SHA256:${match[1]}` : undefined;
}

/**
 * The key a server is stored and looked up by: `host:port` in lower case (host names are not case-sensitive; ssh
 * lowercases them too), an IP address in its one spelling. `[0:0:0:0:0:0:0:1]:7447` is the server trusted as
 * `[::1]:7447`: another spelling must neither be trusted anew unasked nor escape the CHANGED check.
 */
export function knownHostKey(hostPort: string): string {
  const parts = /^\[(.+)\]:(\d+)$/.exec(hostPort) ?? /^([^:[\]]+):(\d+)$/.exec(hostPort);
  const key = parts ? formatHostPort(canonicalHost(parts[1]!), Number(parts[2])) : hostPort;
  return key.toLowerCase();
}

export async function readKnownHosts(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const entries = new Map<string, string>();
  // Lines may end in CRLF or a lone CR (old Mac editors): a CR alone must not glue two entries together.
  for (const line of text.split(/\r\n|\r|\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [host, fingerprint] = trimmed.split(/\s+/);
    if (host && fingerprint) entries.set(knownHostKey(host), fingerprint);
  }
  return entries;
}

/** Compares a server's fingerprint with what we stored for it. */
export function decideTrust(known: Map<string, string>, hostPort: string, fingerprint: string): TrustDecision {
  const expected = known.get(knownHostKey(hostPort));
  if (expected === undefined) return { type: 'new' };
  // Compared in the printed form: a line written with padding or `sha256:` (by hand, from another tool) is the same key.
  const stored = wholeFingerprint(expected);
  if (stored === undefined) return { type: 'damaged', stored: expected };
  return stored === (wholeFingerprint(fingerprint) ?? fingerprint) ? { type: 'known' } : { type: 'changed', expected };
}

/**
 * Throws an Error saying why when `path` cannot serve as the known_hosts file: its folder cannot be made, the file (if
 * there) cannot be read, or it is not there and cannot be made. Checked before a call starts, so a bad config dir is
 * a usage error, not a connection that fails and is retried. A file there that cannot be written (managed by
 * home-manager or another config tool, made immutable on purpose) still serves the servers it lists, as ssh's does;
 * a new server then cannot be remembered, which connect says with the fingerprint to pin.
 */
export function checkKnownHostsUsable(path: string): void {
  makeDirectory(dirname(path), 0o700);
  try {
    readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot use ${path}: ${fsErrorText(err)}`, { cause: err });
    // A link into dotfiles that are not there: said now, not as "no such file" after connecting (exit 3). A link to
    // a file not made yet, in a folder that is there, is made through the link on first use.
    const link = danglingLinkTarget(path);
    if (link !== undefined && !existsSync(dirname(resolve(dirname(path), link)))) {
      throw new Error(`${path} is a link to ${link}, which is not there`, { cause: err });
    }
    try {
      accessSync(dirname(path), constants.W_OK);
    } catch (dirErr) {
      throw new Error(`cannot write in ${dirname(path)}: ${fsErrorText(dirErr)}`, { cause: dirErr });
    }
  }
}

/**
 * Appends the host's line in one write. A write the disk cuts short (full, or over a file size limit) is undone: a
 * line left with half a fingerprint would read as a changed certificate on every later connection.
 */
export async function rememberHost(path: string, hostPort: string, fingerprint: string): Promise<void> {
  makeDirectory(dirname(path), 0o700);
  const handle = await open(path, 'a+', 0o600);
  try {
    const { size } = await handle.stat();
    // A file edited by hand may not end its last line: the new entry must not be glued onto it.
    const unended = size > 0 && (await handle.read(Buffer.alloc(1), 0, 1, size - 1)).buffer[0] !== 0x0a;
    const line = Buffer.from(`${unended ? '\n' : ''}${knownHostKey(hostPort)} ${fingerprint}\n`);
    // One write with O_APPEND, never a second for the rest: another client's line may land in between.
    const written = (await handle.write(line)).bytesWritten;
    if (written < line.length) {
      if (written > 0) await undoTail(handle, line.subarray(0, written));
      // A short write means the disk (or a file size limit) is full: the next write would fail with ENOSPC.
      throw Object.assign(new Error(`${path}: the disk took only part of the line`), { code: 'ENOSPC' });
    }
  } finally {
    await handle.close();
  }
}

/** Cuts `tail` off the file's end when it is still what we wrote there (no other client appended since). */
async function undoTail(handle: FileHandle, tail: Uint8Array): Promise<void> {
  const { size } = await handle.stat();
  if (size < tail.length) return;
  const { buffer } = await handle.read(Buffer.alloc(tail.length), 0, tail.length, size - tail.length);
  if (buffer.equals(tail)) await handle.truncate(size - tail.length);
}

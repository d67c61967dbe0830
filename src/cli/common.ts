import { isIP, isIPv6 } from 'node:net';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { DEFAULT_PORT } from '../protocol/index.js';
import { isLinkLocalWithoutZone, parseHostPort } from '../net/address.js';
import { nameProblem, roomProblem } from '../server/names.js';
import { UsageError } from './exit-codes.js';
import { readPasswordFile, type PasswordFileLimits } from './password-file.js';

/**
 * `--config-dir`, else LIVECOMM_CONFIG_DIR, else $XDG_CONFIG_HOME/livecomm-tui, else ~/.config/livecomm-tui. An empty
 * LIVECOMM_CONFIG_DIR is unset; a relative one is a UsageError.
 */
export function resolveConfigDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag;
  const fromEnv = env.LIVECOMM_CONFIG_DIR;
  if (fromEnv) {
    // As with HOME and XDG_CONFIG_HOME, a relative one would put the private key into whatever folder the command ran
    // in (`/` under systemd). Ours is set on purpose, so it is refused, not passed over for another folder unsaid.
    if (!isAbsolute(fromEnv)) {
      throw new UsageError(`LIVECOMM_CONFIG_DIR must be an absolute path, not "${fromEnv}" (or give --config-dir ${fromEnv} for a folder under this one)`);
    }
    return fromEnv;
  }
  // The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored.
  const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : undefined;
  return join(xdg ?? join(homeFolder(env), '.config'), 'livecomm-tui');
}

/**
 * HOME, else the account's home folder. An empty or relative HOME (`Environment=HOME=` in a unit file) made the config
 * dir relative: the server's private key and known_hosts went into whatever folder the command ran in.
 */
function homeFolder(env: NodeJS.ProcessEnv): string {
  if (env.HOME && isAbsolute(env.HOME)) return env.HOME;
  try {
    const home = userInfo().homedir;
    if (isAbsolute(home)) return home;
  } catch {
    // No passwd entry (some containers): as os.homedir() would.
  }
  return homedir();
}

/**
 * The room password from `--password-file` (its first line, see `password-file.ts`), else LIVECOMM_PASSWORD, else
 * none. There is no `--password` flag on purpose: command lines show in `ps`.
 */
export async function resolvePassword(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  limits: Partial<PasswordFileLimits> = {},
): Promise<string | undefined> {
  if (file) return readPasswordFile(file, limits);
  const fromEnv = env.LIVECOMM_PASSWORD;
  // Set but empty is a mistake more often than a wish (a variable that did not expand): never an open server by accident.
  if (fromEnv === '') throw new UsageError('LIVECOMM_PASSWORD is set but empty; unset it for a call without a password');
  return fromEnv;
}

/** Where resolvePassword finds the password, to name when the server refuses it; undefined with none. */
export function passwordSource(file: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (file) return `--password-file ${file}`;
  return env.LIVECOMM_PASSWORD === undefined ? undefined : 'LIVECOMM_PASSWORD';
}

export function defaultName(): string {
  try {
    const name = userInfo().username;
    if (name && !nameProblem(name)) return name;
  } catch {
    // No passwd entry (some containers): fall through.
  }
  return 'guest';
}

/** commander argument parsers: each throws InvalidArgumentError, which commander prints as one line, exit 2. */
// Spaces around a number (`--port "$PORT "`) are forgiven, as --duration and --video-bitrate always forgave them.
export function parsePort(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  return Number(text);
}

export function parsePositiveInt(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new InvalidArgumentError('must be a whole number of at least 1.');
  return Number(text);
}

/** The longest timer Node keeps (2³¹ − 1 ms, ~24.8 days); a longer one fires at once. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Seconds in decimal, e.g. 90, 0.5 or 1e3. */
const DECIMAL_NUMBER = /^\s*\+?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i;

export function parseSeconds(text: string): number {
  // Number() also reads 0x10, 0b10 and 0o10 (16, 2 and 8 seconds), which no other flag takes.
  const value = DECIMAL_NUMBER.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMER_SECONDS) {
    throw new InvalidArgumentError(`must be a number of seconds above 0 and at most ${MAX_TIMER_SECONDS} (24 days).`);
  }
  return value;
}

/** `--video-bitrate`: kbit/s, with an optional `k`; 32–10,000 (below, not even a thumbnail keeps moving). */
export function parseKbits(text: string): number {
  const match = /^(\d+)k?$/i.exec(text.trim());
  const value = match ? Number(match[1]) : NaN;
  if (!(value >= 32 && value <= 10_000)) throw new InvalidArgumentError('must be kbit/s from 32 to 10000, e.g. 240 or 500k.');
  return value;
}

export function parseName(text: string): string {
  const problem = nameProblem(text);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return text;
}

/** The room `connect` and `host` join when none is given. */
export const DEFAULT_ROOM = 'main';

export function parseRoom(text: string): string {
  const problem = roomProblem(text);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return text;
}

export function parseTarget(text: string): { host: string; port: number } {
  const trimmed = text.trim();
  // Forms pasted from elsewhere: say what to type instead, rather than "not HOST:PORT" or three failed lookups.
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(trimmed);
  if (url) throw new UsageError(`"${text}" is a URL: connect takes HOST or HOST:PORT${url[1] ? `, e.g. ${url[1]}` : ''}`);
  const user = /^([^@\s]+)@(.+)$/.exec(trimmed);
  if (user) throw new UsageError(`"${text}": connect takes no user name (your name in the call is --name): connect ${user[2]} --name ${user[1]}`);
  if (/\s/.test(trimmed)) throw new UsageError(`"${text}" has a space in it: write ${trimmed.replace(/\s+/g, '')}`);
  if (/^[^:[\]]+:$/.test(trimmed)) {
    throw new UsageError(`"${text}" ends in a colon: give the port after it, or leave it out for ${DEFAULT_PORT}`);
  }
  // "fe80::1:7447" is an address, and also fe80::1 with port 7447: which was meant, only brackets say.
  const lastColon = text.lastIndexOf(':');
  const head = text.slice(0, lastColon);
  const tail = text.slice(lastColon + 1);
  if (isIPv6(text) && /^\d+$/.test(tail) && isIPv6(head)) {
    throw new UsageError(`"${text}" could be the address ${text} or ${head} with port ${tail}: write [${text}] or [${head}]:${tail}`);
  }
  const target = parseHostPort(text);
  if (target && isLinkLocalWithoutZone(target.host)) {
    throw new UsageError(`"${text}" is a link-local address, which needs the interface it is on: [${target.host}%eth0]:${target.port} (ip addr lists them)`);
  }
  if (target) return checkHostName(text, target);
  // "::1:42200": an IPv6 address and a port that is no address group (5 digits): brackets were meant.
  if (isIPv6(head)) {
    throw new UsageError(`"${text}": an IPv6 address with a port goes in brackets, e.g. [${head}]:${tail}`);
  }
  if (/^\s*(?:\[\s*\])?(?::.*)?$/.test(text)) throw new UsageError(`"${text}" has no host: give HOST or HOST:PORT`);
  // HOST:PORT or [V6]:PORT whose port is what is wrong (a typo, a range): say so rather than "not HOST:PORT".
  const port = /^(?:\[[^\]]*\]:(.+)|[^:]*:([^:]+))$/.exec(text.trim())?.slice(1).find((p) => p !== undefined);
  if (port !== undefined) throw new UsageError(`"${text}": the port must be a number from 1 to 65535, not "${port}"`);
  throw new UsageError(`"${text}" is not HOST or HOST:PORT`);
}

/** The longest host name DNS can carry (RFC 1035 §2.3.4): 253 characters, less the root's dot. */
const MAX_HOST_NAME = 253;

/**
 * A name no resolver takes: getaddrinfo refuses it with EINVAL, which was tried three times and reported in the
 * library's words as a network failure (exit 4).
 */
function checkHostName(text: string, target: { host: string; port: number }): { host: string; port: number } {
  // A zone names the interface of an IPv6 address (`fe80::1%eth0`); anywhere else no resolver takes it.
  if (target.host.includes('%') && !isIPv6(target.host)) {
    throw new UsageError(`"${text}": a zone (%eth0) goes only after an IPv6 address, e.g. [fe80::1%eth0]:${target.port}`);
  }
  const address = target.host.replace(/%.*$/, '');
  const invisible = /[\p{Cc}\p{Cf}]/u.exec(address)?.[0];
  if (invisible !== undefined) {
    const code = `U+${invisible.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new UsageError(`"${text}" has an invisible or control character (${code}) in its host name: type the name again`);
  }
  if (!isIP(address) && target.host.length > MAX_HOST_NAME) {
    throw new UsageError(`"${text.slice(0, 40)}…" is too long for a host name (${target.host.length} characters, at most ${MAX_HOST_NAME})`);
  }
  return target;
}

/** A file or folder: an empty one (a variable that did not expand) must not quietly mean "none". */
export function parsePath(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('needs a path, not an empty string.');
  return text;
}

/** `--speaker`: empty (a variable that did not expand) is neither "none" nor the default speaker, so say so. */
export function parseSpeaker(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('needs a speaker (its PortAudio id or name, or "default"), or "none".');
  return text;
}

export function parseOnOff(text: string): boolean {
  if (text !== 'on' && text !== 'off') throw new InvalidArgumentError('must be "on" or "off".');
  return text === 'on';
}

export function parseLogFormat(text: string): 'text' | 'json' {
  if (text !== 'text' && text !== 'json') throw new InvalidArgumentError('must be "text" or "json".');
  return text;
}

import { isIPv6 } from 'node:net';
import { DEFAULT_PORT } from '../protocol/index.js';

/** `host:port`, with IPv6 literals in brackets: the form users type and known_hosts stores. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Parses `HOST`, `HOST:PORT`, `[V6]`, `[V6]:PORT` or a bare IPv6 literal. Returns undefined for anything else, so
 * the CLI can answer with one sentence.
 */
export function parseHostPort(text: string, defaultPort = DEFAULT_PORT): { host: string; port: number } | undefined {
  const trimmed = text.trim();
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if ((trimmed.match(/:/g) ?? []).length > 1) {
    if (!isIPv6(trimmed)) return undefined; // several colons: only a bare IPv6 literal (which has no port) is valid
    host = trimmed;
  } else {
    const [h, p] = trimmed.split(':');
    host = h!;
    portText = p;
  }
  // A bracket left in the host means a malformed `[V6]…` form (e.g. `[::1]:`), not a name to resolve.
  if (!host || /[\s[\]]/.test(host)) return undefined;
  if (portText === undefined) return { host, port: defaultPort };
  if (!/^\d+$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  return { host, port };
}

/**
 * An IPv6 link-local address (fe80::/10) without the interface it is on (`%eth0`): the kernel cannot tell which
 * link is meant, and connect and listen fail with EINVAL.
 */
export function isLinkLocalWithoutZone(host: string): boolean {
  return /^fe[89ab][0-9a-f]?:/i.test(host) && isIPv6(host) && !host.includes('%');
}

/** A socket's remote address as shown and rate-limited: dual-stack listeners report IPv4 peers as ::ffff:a.b.c.d. */
export function normalizeRemoteAddress(address: string | undefined): string {
  return (address ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/**
 * The key per-address limits count by: an IPv4 address, or an IPv6 address's /64 network. One host (or home) is
 * given a whole /64, so counting single IPv6 addresses would let it walk around every limit.
 */
export function limitKeyOf(address: string): string {
  if (!address.includes(':')) return address;
  const bare = address.replace(/%.*$/, '').toLowerCase();
  const [head = '', tail] = bare.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

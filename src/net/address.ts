import { isIPv6 } from 'node:net';
import { DEFAULT_PORT } from '../protocol/index.js';

/** `host:port`, with IPv6 literals in brackets: the form users type and known_hosts stores. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** IPv4 as inet_aton(3) reads it (getaddrinfo falls back to it): 1 to 4 parts, each decimal, octal (0…) or hex (0x…). */
const INET_ATON_FORM = /^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}$/i;

/**
 * The one spelling of an IP literal: IPv6 compressed and lower-case (RFC 5952, `0:0:0:0:0:0:0:1` and `::0001` are
 * `::1`), IPv4 as the dotted quad the resolver connects to (`127.000.000.001` and `127.1` are 127.0.0.1, `0127.0.0.1` is
 * 87.0.0.1: inet_aton reads a leading 0 as octal). A host name, or a form no resolver takes, comes back as it is.
 */
export function canonicalHost(host: string): string {
  // The zone (`%eth0`) names an interface, not part of the address: kept as typed.
  const zoneAt = host.indexOf('%');
  const address = zoneAt === -1 ? host : host.slice(0, zoneAt);
  const zone = zoneAt === -1 ? '' : host.slice(zoneAt);
  let urlHost: string;
  if (isIPv6(address)) urlHost = `[${address}]`;
  else if (zone === '' && INET_ATON_FORM.test(address)) urlHost = address;
  else return host;
  try {
    // The WHATWG URL host parser serialises IPv6 as RFC 5952 does, and reads IPv4 numbers as inet_aton does.
    return new URL(`http://${urlHost}/`).hostname.replace(/^\[(.*)\]$/, '$1') + zone;
  } catch {
    return host; // e.g. 08.0.0.1 or 1.2.3.256: not an address, and the resolver will say so
  }
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

import { networkInterfaces } from 'node:os';
import { formatHostPort } from '../net/address.js';
import { loadOrCreateTlsIdentity, loadTlsIdentity, type TlsIdentity } from '../net/tls-identity.js';
import { createLogger, type Logger } from '../server/logger.js';
import { startServer, type RunningServer } from '../server/server.js';
import { DEFAULT_ROOM, resolveConfigDir, resolvePassword } from './common.js';
import { fsErrorText } from '../util/fs-errors.js';
import { elapsedClock } from '../util/clock.js';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from './exit-codes.js';
import { errorLine } from './printable.js';
import type { ServerFlags } from './flags.js';

export interface ConfiguredServer {
  server: RunningServer;
  tls: TlsIdentity | undefined;
  /** Addresses others can use, one per line of the startup message. */
  reachableAt: string[];
  /** The password the server asks for, read once (a password file may be a pipe, which reads only once). */
  password: string | undefined;
}

/** Starts the server from CLI flags. Throws UsageError/CliError with one sentence. */
export async function startConfiguredServer(flags: ServerFlags, env: NodeJS.ProcessEnv, logger: Logger): Promise<ConfiguredServer> {
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new UsageError('--cert and --key go together');
  if (flags.cert && !flags.tls) throw new UsageError('--cert and --key need --tls');
  const password = await resolvePassword(flags.passwordFile, env);
  let tls: TlsIdentity | undefined;
  if (flags.tls) {
    try {
      tls = flags.cert && flags.key
        ? await loadTlsIdentity(flags.cert, flags.key)
        : await loadOrCreateTlsIdentity(resolveConfigDir(flags.configDir, env));
    } catch (err) {
      throw new CliError((err as Error).message, ExitCode.USAGE, { cause: err });
    }
  }
  let server: RunningServer;
  try {
    server = await startServer({
      ...(flags.bind ? { host: flags.bind } : {}),
      port: flags.port,
      ...(tls ? { tls: { key: tls.key, cert: tls.cert } } : {}),
      ...(password !== undefined ? { password } : {}),
      maxParticipants: flags.maxParticipants,
      maxConnectionsPerAddress: flags.maxConnectionsPerAddress,
      connectionRatePerAddress: flags.connectionRate,
      connectionBurstPerAddress: flags.connectionRate * 4,
      logger,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = formatHostPort(flags.bind ?? '0.0.0.0', flags.port);
    if (code === 'EADDRINUSE') throw new CliError(`port ${flags.port} is already in use (another server?); pick another with --port`, ExitCode.USAGE);
    if (code === 'EACCES') throw new CliError(`not allowed to listen on ${where}; ports below 1024 need root`, ExitCode.USAGE);
    if (code === 'EADDRNOTAVAIL') throw new CliError(`${flags.bind} is not an address of this machine`, ExitCode.USAGE);
    // getaddrinfo says EINVAL for a name no resolver takes (too long, a bidi mark): as unknown as a typo.
    const unresolvable = code === 'ENOTFOUND' || code === 'EAI_AGAIN' || (code === 'EINVAL' && (err as NodeJS.ErrnoException).syscall === 'getaddrinfo');
    if (unresolvable) throw new CliError(`--bind ${flags.bind} is not an address or a host name this machine knows`, ExitCode.USAGE);
    // listen() says EINVAL for a zone that names no interface here (fe80::1%eth9): what was typed is wrong, not us.
    if (code === 'EINVAL' && flags.bind !== undefined) {
      const zone = /%(.*)$/.exec(flags.bind)?.[1];
      throw new CliError(zone !== undefined ? `--bind ${flags.bind}: this machine has no network interface ${zone} (ip addr lists them)` : `--bind ${flags.bind} is not an address this machine can listen on`, ExitCode.USAGE);
    }
    throw new CliError(`cannot listen on ${where}: ${(err as Error).message}`, ExitCode.FAILURE, { cause: err });
  }
  return { server, tls, reachableAt: reachableAddresses(server.host, server.port), password };
}

/**
 * Where others can reach a server bound to `boundHost` (what the socket reports: `::` for the default bind where the
 * machine has IPv6, which takes IPv4 too): for a wildcard, every address of this machine of the families it takes —
 * IPv4 first, loopback first in each family, container and VM bridges last; link-local IPv6 is left out (it needs the interface's zone to be used).
 * Otherwise the bound address.
 */
export function reachableAddresses(boundHost: string, port: number, interfaces = networkInterfaces()): string[] {
  const takesIPv6 = boundHost === '::';
  if (boundHost !== '0.0.0.0' && !takesIPv6) return [formatHostPort(boundHost, port)];
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  // Container and VM bridges after the machine's own interfaces: the join line takes the first outside address.
  const names = Object.keys(interfaces).sort((a, b) => Number(isVirtualBridge(a)) - Number(isVirtualBridge(b)));
  for (const name of names) {
    for (const info of interfaces[name] ?? []) {
      if (info.family === 'IPv4') ipv4.push(info.address);
      else if (takesIPv6 && !info.address.toLowerCase().startsWith('fe80:')) ipv6.push(info.address);
    }
  }
  const loopbackFirst = (list: string[]): string[] => [...list.filter(isLoopback), ...list.filter((a) => !isLoopback(a))];
  const addresses = [...loopbackFirst(ipv4), ...loopbackFirst(ipv6)].map((address) => formatHostPort(address, port));
  return addresses.length ? addresses : [formatHostPort('127.0.0.1', port)];
}

/**
 * The address to put in the join line: one other machines can use, IPv4 where there is one. An IPv4 link-local one
 * (169.254.x.x: a cable plugged in with no DHCP answering) comes last: only that same cable's far end reaches it.
 */
export function sharedAddress(reachableAt: string[]): string {
  const others = reachableAt.filter((a) => !a.startsWith('127.') && !a.startsWith('[::1]'));
  const routable = others.filter((a) => !a.startsWith('169.254.'));
  return routable.find((a) => !a.startsWith('[')) ?? routable[0] ?? others[0] ?? reachableAt[0]!;
}

/** Bridges of Docker, Podman, libvirt, LXD, VirtualBox and VMware: only containers and VMs on this machine reach them. */
function isVirtualBridge(interfaceName: string): boolean {
  return /^(docker|br-|virbr|veth|cni|flannel|podman|lxcbr|lxdbr|vboxnet|vmnet)/.test(interfaceName);
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

/** Said under the join line of a server with a password: how the others give it. */
export const PASSWORD_HINT = 'the room has a password: the call screen asks for it (headless: --password-file FILE or LIVECOMM_PASSWORD)';

/**
 * The exact command others type to join. Not the password: the call screen asks for it (a placeholder such as
 * `--password-file FILE` in a line copied whole with `y` ran as a missing file, exit 2).
 */
export function joinCommand(address: string, tls: TlsIdentity | undefined, room = DEFAULT_ROOM): string {
  const parts = ['livecomm-tui connect', address];
  // Room names are letters, digits, ".", "_" and "-": safe to paste into a shell as they are.
  if (room !== DEFAULT_ROOM) parts.push('--room', room);
  if (tls) parts.push('--tls', '--fingerprint', tls.fingerprint);
  return parts.join(' ');
}

/**
 * `livecomm-tui serve`: runs until SIGINT/SIGTERM, or SIGHUP (its terminal closed: Node would end at once, nohup or
 * not, and the clients would only see a lost connection), then tells clients and exits 0. SIGUSR1/2 log its status.
 */
export async function runServe(flags: ServerFlags, env: NodeJS.ProcessEnv, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<ExitCodeValue> {
  // A log that cannot be written (stderr on a full disk) must not take the server down: logging stops, it says so.
  let logFailed = false;
  const logFailure = (cause: unknown): void => {
    if (logFailed) return;
    logFailed = true;
    out.write(errorLine(`cannot write the server log to stderr (${fsErrorText(cause)}): logging stops, the server goes on`));
  };
  err.on('error', logFailure);
  // `serve >>log 2>&1` on a full disk: stdout fails too, and there is nowhere left to say so.
  out.on('error', () => {});
  const logger = createLogger(flags.logFormat, (line) => {
    if (logFailed) return;
    try {
      err.write(line);
    } catch (cause) {
      logFailure(cause);
    }
  });
  const { server, tls, reachableAt, password } = await startConfiguredServer(flags, env, logger).catch((cause: unknown) => {
    // A log collector reading JSON gets why the server could not start as an event it can alert on; the one
    // sentence follows as for every exit (a restart loop on a taken port was only unparsed lines there).
    const said = cause instanceof CliError || cause instanceof UsageError;
    if (flags.logFormat === 'json' && said) logger.log('error', 'start-failed', { detail: cause.message });
    throw cause;
  });
  // Listening for the stop signals before saying where to join: a supervisor or script that stops the server as soon
  // as it reads the join line would otherwise find Node's default, death by the signal, without a word to the clients.
  // Heard until the process ends: a second Ctrl-C while the server tells the clients (it waits up to 2 s for
  // connections that never spoke, §4.3) changes nothing, as for a headless participant; unheard, Node's default ended
  // the server at once, exit 130, and a slow client's BYE could be lost with it.
  const stopped = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => resolve());
  });
  for (const address of reachableAt) out.write(`listening on ${address}\n`);
  if (tls) out.write(`TLS certificate fingerprint ${tls.fingerprint}\n`);
  out.write(`join with: ${joinCommand(sharedAddress(reachableAt), tls)}\n`);
  if (password !== undefined) out.write(`${PASSWORD_HINT}\n`);
  // Elapsed time (sleep counts, a wall clock set by NTP or `date -s` does not): set back an hour, Date.now made
  // the uptime negative.
  const elapsedMs = elapsedClock();
  const startedAt = elapsedMs();
  // `kill -USR1` (or USR2): a status line in the log, for an operator checking on a server that logs nothing while
  // idle. (Without a listener, Node would open its debugger on USR1, and USR2 would end the server without a word.)
  const status = (): void => {
    const peers = server.peerStats();
    logger.log('info', 'status', {
      participants: peers.filter((peer) => peer.joined).length,
      connections: server.openSockets,
      rssMiB: Math.round(process.memoryUsage.rss() / 2 ** 20),
      uptimeS: Math.round((elapsedMs() - startedAt) / 1000),
    });
  };
  process.on('SIGUSR1', status);
  process.on('SIGUSR2', status);
  await stopped;
  process.off('SIGUSR1', status);
  process.off('SIGUSR2', status);
  await server.close();
  return ExitCode.OK;
}

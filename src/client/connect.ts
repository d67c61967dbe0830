import net from 'node:net';
import tls from 'node:tls';
import { fingerprintOfDer } from '../net/tls-identity.js';
import { formatHostPort } from '../net/address.js';
import { fsErrorText } from '../util/fs-errors.js';
import { CallEndedError, EndKind } from './errors.js';
import { FIRST_ANSWER_MS, silentServer } from './session-end.js';
import { decideTrust, knownHostKey, readKnownHosts, rememberHost } from './known-hosts.js';

/** Where to connect and how to trust a TLS server. */
export interface ConnectTarget {
  host: string;
  port: number;
  tls?: {
    /** `SHA256:…` the server must present; when absent, trust on first use through `knownHostsPath`. */
    fingerprint?: string;
    knownHostsPath: string;
  };
  /** Default 10 s. With TLS, once the TCP connection is accepted, the handshake gets FIRST_ANSWER_MS instead. */
  connectTimeoutMs?: number;
}

export type TrustNotice =
  | { type: 'pinned'; fingerprint: string }
  | { type: 'known'; fingerprint: string }
  | { type: 'first-use'; fingerprint: string };

export interface OpenedSocket {
  socket: net.Socket;
  trust?: TrustNotice;
}

/**
 * Opens the TCP or TLS connection and settles trust. TLS is 1.3 only and verified by fingerprint, not by CA
 * (the server's certificate is self-signed). Throws CallEndedError: `network` for connection problems,
 * `refused` for trust failures (exit 3, never retried).
 */
export async function openSocket(target: ConnectTarget): Promise<OpenedSocket> {
  const hostPort = formatHostPort(target.host, target.port);
  const timeoutMs = target.connectTimeoutMs ?? 10_000;
  if (!target.tls) {
    const socket = await dial(hostPort, timeoutMs, () => net.connect({ host: target.host, port: target.port }), 'connect');
    return { socket };
  }
  const trustConfig = target.tls;
  const socket = await dial(
    hostPort,
    timeoutMs,
    () =>
      tls.connect({
        host: target.host,
        port: target.port,
        minVersion: 'TLSv1.3',
        // Self-signed certificates: the fingerprint check below replaces CA verification.
        rejectUnauthorized: false,
        ...(net.isIP(target.host) ? {} : { servername: target.host }),
      }),
    'secureConnect',
    // A TLS server answers the ClientHello at once, as a plain one answers HELLO (session-end.ts): an accepted
    // connection that stays silent is held by something else, not lost on the way ("no answer" read as a firewall).
    () => silentServer(target, false, FIRST_ANSWER_MS),
  );
  const cert = (socket as tls.TLSSocket).getPeerCertificate();
  if (!cert?.raw) {
    socket.destroy();
    throw new CallEndedError(EndKind.REFUSED, 'tls-trust', `${hostPort} presented no TLS certificate`);
  }
  const fingerprint = fingerprintOfDer(cert.raw);
  if (trustConfig.fingerprint !== undefined) {
    if (normalizeFingerprint(trustConfig.fingerprint) !== fingerprint) {
      socket.destroy();
      throw new CallEndedError(
        EndKind.REFUSED,
        'tls-trust',
        `the server's certificate fingerprint ${fingerprint} does not match --fingerprint ${trustConfig.fingerprint}; refusing to connect`,
      );
    }
    return { socket, trust: { type: 'pinned', fingerprint } };
  }
  const known = await readKnownHosts(trustConfig.knownHostsPath).catch((err: unknown) => {
    socket.destroy();
    throw knownHostsError(trustConfig.knownHostsPath, err);
  });
  const decision = decideTrust(known, hostPort, fingerprint);
  // The line as the file spells it, which may not be as typed ([::1] for [0::1], lower case): the one to look for.
  const line = knownHostKey(hostPort);
  if (decision.type === 'changed') {
    socket.destroy();
    throw new CallEndedError(
      EndKind.REFUSED,
      'tls-trust',
      `WARNING: the certificate of ${hostPort} has CHANGED (stored ${decision.expected}, now ${fingerprint}); ` +
        `someone may be intercepting the call (if the server's key was really replaced, remove the line for ${line} from ${trustConfig.knownHostsPath})`,
    );
  }
  if (decision.type === 'damaged') {
    socket.destroy();
    // Quoted short: whatever the line holds (a whole pasted file, binary) is not worth a screenful.
    const stored = decision.stored.length > 60 ? `${decision.stored.slice(0, 60)}…` : decision.stored;
    throw new CallEndedError(
      EndKind.REFUSED,
      'tls-trust',
      `the line for ${line} in ${trustConfig.knownHostsPath} is damaged ("${stored}" is not a whole SHA256 fingerprint); ` +
        `delete that line to trust the server anew, or pin it with --fingerprint ${fingerprint} if the host confirms it`,
    );
  }
  if (decision.type === 'new') {
    await rememberHost(trustConfig.knownHostsPath, hostPort, fingerprint).catch((err: unknown) => {
      socket.destroy();
      const code = (err as NodeJS.ErrnoException).code;
      // A known_hosts kept read-only on purpose serves the servers it lists; a new one must be pinned by hand.
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        throw new CallEndedError(
          EndKind.REFUSED,
          'tls-trust',
          `cannot remember ${hostPort} in ${trustConfig.knownHostsPath} (${fsErrorText(err)}): connect with --fingerprint ${fingerprint} ` +
            `once the host confirms it is theirs, or add the line "${hostPort.toLowerCase()} ${fingerprint}" where that file is kept`,
          { cause: err },
        );
      }
      throw knownHostsError(trustConfig.knownHostsPath, err);
    });
  }
  // The known_hosts check took a moment: the server may have hung up meanwhile (it has no 'close' left to tell).
  if (socket.destroyed) {
    throw new CallEndedError(EndKind.NETWORK, 'connect-failed', `${hostPort} closed the connection during the TLS handshake`);
  }
  return { socket, trust: { type: decision.type === 'new' ? 'first-use' : 'known', fingerprint } };
}

/** The trust store broke mid-call (it was fine at the start): a refusal, as retrying will not mend it. */
function knownHostsError(path: string, err: unknown): CallEndedError {
  const why = (err as NodeJS.ErrnoException).code ? fsErrorText(err) : (err as Error).message;
  return new CallEndedError(EndKind.REFUSED, 'tls-trust', `cannot use ${path} to check the server's certificate: ${why}`, { cause: err });
}

/** Accepts `SHA256:abc…`, with or without base64 padding or the prefix, which may be in any case. */
export function normalizeFingerprint(text: string): string {
  return `SHA256:${text.trim().replace(/=+$/, '').replace(/^sha256:/i, '')}`;
}

/**
 * Opens a socket and waits for `readyEvent`. `silentAfterAccept`, when given, is the error of a connection that was
 * accepted but brought `readyEvent` no nearer within FIRST_ANSWER_MS (a TLS handshake nobody answers).
 */
function dial(
  hostPort: string,
  timeoutMs: number,
  open: () => net.Socket,
  readyEvent: string,
  silentAfterAccept?: () => CallEndedError,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = open();
    const giveUp = (error: CallEndedError): void => {
      socket.destroy();
      reject(error);
    };
    let timer = setTimeout(
      () => giveUp(new CallEndedError(EndKind.NETWORK, 'connect-timeout', `no answer from ${hostPort} within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    if (silentAfterAccept) {
      socket.once('connect', () => {
        clearTimeout(timer);
        timer = setTimeout(() => giveUp(silentAfterAccept()), FIRST_ANSWER_MS);
      });
    }
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // Until the session takes the socket over (it listens for 'close'), an error must not be unhandled.
      socket.on('error', () => {});
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const { code, message } = describeConnectError(err, hostPort, readyEvent === 'secureConnect');
      reject(new CallEndedError(EndKind.NETWORK, code, message, { cause: err }));
    });
  });
}

/**
 * Why a connection could not be opened, as a sentence, and its code: `host-not-found` (no such name), `tls-mismatch`
 * (an answer that is not TLS) and `tls-version` cannot be mended by trying again (reconnect.ts); the rest may be: a
 * server starting or a network coming up (`connect-failed`), and a hang-up during the TLS handshake
 * (`closed-silently`: a plain server does that, and so does a proxy whose server is not up yet).
 */
function describeConnectError(err: NodeJS.ErrnoException, hostPort: string, usingTls: boolean): { code: string; message: string } {
  const failed = (message: string): { code: string; message: string } => ({ code: 'connect-failed', message });
  const noTls = { code: 'closed-silently', message: `${hostPort} closed the connection during the TLS handshake: the server is probably running without --tls` };
  switch (err.code) {
    case 'ECONNREFUSED':
      return failed(`nothing is listening at ${hostPort} (is the server running?)`);
    case 'ENOTFOUND':
      return { code: 'host-not-found', message: `cannot resolve the host name in ${hostPort}: no such name (is it spelled right?)` };
    case 'EAI_AGAIN':
      // A resolver that cannot be reached now (a network still coming up) may answer the next attempt.
      return failed(`cannot resolve the host name in ${hostPort} (the name server did not answer)`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return failed(`${hostPort} is unreachable from this machine`);
    case 'ECONNRESET':
      return usingTls ? noTls : failed(`${hostPort} reset the connection`);
    default:
      if (usingTls && /disconnected before secure TLS connection/i.test(err.message)) return noTls;
      // OpenSSL's own text is two lines of library detail: named here instead.
      if (usingTls && /wrong version number|packet length too long|http request/i.test(err.message)) {
        return { code: 'tls-mismatch', message: `${hostPort} does not answer with TLS: the server is probably running without --tls, or is another service` };
      }
      if (usingTls && /protocol version/i.test(err.message)) {
        return { code: 'tls-version', message: `${hostPort} offers only an older TLS version than 1.3, which livecomm-tui requires` };
      }
      return failed(`cannot connect to ${hostPort}: ${firstLine(err.message)}`);
  }
}

/** A library message's first line, without OpenSSL's "8 0C879A…:error:0A00042E:SSL routines:" prefix. */
function firstLine(message: string): string {
  const line = message.split('\n')[0]!.trim();
  return line.replace(/^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:/, '').replace(/:\.\.\/deps\/openssl.*$/, '');
}

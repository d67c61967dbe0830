import net from 'node:net';
import tls from 'node:tls';
import { SYSTEM_CLOCK, monotonicMs, type Clock } from '../util/clock.js';
import { formatHostPort, limitKeyOf, normalizeRemoteAddress } from '../net/address.js';
import { AddressChatBudget } from './address-chat.js';
import { FrameSocket } from '../net/frame-socket.js';
import { fingerprintOfPem } from '../net/tls-identity.js';
import type { FlowStats } from '../net/frame-transport.js';
import type { QueueStats } from '../net/outbound-queue.js';
import { Codec, DEFAULT_PORT, FrameType, StreamKind, deriveAuthKey, encodeFrame, encodeJson, randomToken, Reason, type ReasonCode } from '../protocol/index.js';
import { ConnectionLimiter, type Admission, type ConnectionLimits } from './connection-limiter.js';
import type { ServerContext, PeerPolicy } from './context.js';
import { foreignProtocol, tlsErrorDetail } from './foreign-protocol.js';
import { AddressLogLimits, type PreJoinLog } from './log-limit.js';
import { SILENT_LOGGER, type Logger } from './logger.js';
import { Peer } from './peer.js';
import { FailureLimiter } from './rate-limiter.js';
import { ReturningParticipants } from './returning-participants.js';
import { RoomDirectory } from './room-directory.js';

/** Options of `startServer`; every field has a default. */
export interface ServerOptions extends Partial<PeerPolicy>, ConnectionLimits {
  /** Address to listen on. Default: all interfaces (`::` and, through dual-stack, `0.0.0.0`). */
  host?: string;
  /** TCP port. Default 7447; 0 picks a free port (tests). */
  port?: number;
  /** PEM key and certificate: when given the server speaks only TLS 1.3. */
  tls?: { key: string; cert: string };
  /** Room password; clients must prove they know it (docs/protocol.md §4.2). */
  password?: string;
  logger?: Logger;
  clock?: Clock;
  /** Chat messages kept per room for late joiners. Default 50. */
  chatHistory?: number;
  /** Failed logins per address per minute before it is refused for a while. Default 5. */
  maxAuthFailures?: number;
  /** The window those failures count in, and so how long the address stays locked out. Default 60 s (tests shorten it). */
  authFailureWindowMs?: number;
  /**
   * The window of the per-address limits on log lines and refusal explanations (docs/protocol.md §5.3). Default 10 s
   * (tests shorten it).
   */
  addressWindowMs?: number;
  /** Control bytes queued for one client before it is disconnected as too slow. Default 1 MiB. */
  controlCapBytes?: number;
  /**
   * A client that accepts none of the bytes waiting for it for this long is disconnected as a slow consumer and its
   * queue freed (docs/protocol.md §5). Default 10 s.
   */
  stallTimeoutMs?: number;
}

export interface RunningServer {
  /** `host:port` strings the server listens on. */
  readonly addresses: string[];
  /** The address the socket is bound to, as it reports it: `::` or `0.0.0.0` for every interface. */
  readonly host: string;
  readonly port: number;
  /** Number of connections, joined or not. */
  readonly connectionCount: number;
  /** TCP connections admitted and still open, including those that have not sent a byte yet (docs/protocol.md §5.3). */
  readonly openSockets: number;
  /** A snapshot of every connection: who, where, RTT and its outbound queue (for logs, tests and benchmarks). */
  peerStats(): PeerStats[];
  /**
   * Tells every client the server is closing (BYE `server-shutdown`, or `call-ended` when the host ends the call:
   * clients then do not try to reconnect), waits briefly for them, then stops.
   */
  close(reason?: 'server-shutdown' | 'call-ended'): Promise<void>;
}

export interface PeerStats {
  id: number;
  name: string;
  joined: boolean;
  address: string;
  rttMs: number | undefined;
  bufferedAmount: number;
  queue: QueueStats;
  /** ACK flow control of the connection (docs/protocol.md §5.1). */
  flow: FlowStats;
  /** Congestion level last reported for this receiver (docs/protocol.md §5.2). */
  congestionLevel: number;
}

const DEFAULT_POLICY: PeerPolicy = {
  maxParticipants: 32,
  pingIntervalMs: 5_000,
  idleTimeoutMs: 15_000,
  handshakeTimeoutMs: 10_000,
  authTimeoutMs: 5_000,
  audioCodecs: ['opus', 'pcm'],
  serverName: 'livecomm-tui',
};
/** Handshake deadlines, pings and congestion reports run on this sweep; liveness has its own per-peer timer. */
const SWEEP_INTERVAL_MS = 500;
/**
 * The window of the per-address limits (docs/protocol.md §5.3): how many refused connections from one address get a
 * REFUSE frame, and which lines of connections that never join are logged (log-limit.ts).
 */
const ADDRESS_WINDOW_MS = 10_000;
const EXPLAINED_REFUSALS_PER_WINDOW = 10;
/** How long a shutdown waits for connections to go after their goodbye before it cuts them. */
const SHUTDOWN_CUTOFF_MS = 2_000;

/** Starts the broadcast server (SPEC §3). Resolves once it listens. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? SILENT_LOGGER;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const policy: PeerPolicy = {
    maxParticipants: options.maxParticipants ?? DEFAULT_POLICY.maxParticipants,
    pingIntervalMs: options.pingIntervalMs ?? DEFAULT_POLICY.pingIntervalMs,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_POLICY.idleTimeoutMs,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_POLICY.handshakeTimeoutMs,
    authTimeoutMs: options.authTimeoutMs ?? DEFAULT_POLICY.authTimeoutMs,
    audioCodecs: options.audioCodecs ?? DEFAULT_POLICY.audioCodecs,
    serverName: options.serverName ?? DEFAULT_POLICY.serverName,
  };
  const rooms = new RoomDirectory(options.chatHistory ?? 50);
  // Keyed by id: a peer forgets itself by id on every disconnect, which must not scan all connections.
  const peers = new Map<number, Peer>();
  let nextId = 1;
  let auth: ServerContext['auth'];
  if (options.password !== undefined) {
    const salt = randomToken(16);
    auth = { salt, key: deriveAuthKey(options.password, salt) };
  }

  const ctx: ServerContext = {
    options: policy,
    logger,
    limiter: new FailureLimiter({ maxFailures: options.maxAuthFailures ?? 5, windowMs: options.authFailureWindowMs ?? 60_000 }),
    chatByAddress: new AddressChatBudget(),
    returning: new ReturningParticipants(),
    auth,
    // Durations only (timeouts, rate limits): a wall clock set back an hour stopped every peer's rate limits
    // refilling, and every sender was ended as flooding within seconds.
    now: monotonicMs,
    wallMs: () => clock.wallMs(),
    nextPeerId: () => {
      const id = nextId;
      nextId = nextId >= 0xfffffffe ? 1 : nextId + 1;
      return id;
    },
    room: (name) => rooms.open(name),
    roomMaybeEmpty: (room) => rooms.dropIfEmpty(room),
    forget(peer) {
      peers.delete(peer.id);
    },
    encode: (type, kind, codec, sender, seq, ts, payload) => encodeFrame({ type, kind, codec, flags: 0, sender, seq, ts, payload }),
  };

  const admission = new ConnectionLimiter(options);
  /** Refused connections that will be told why once their TLS handshake (if any) is done, by `address|port`. */
  const pendingRefusals = new Map<string, Admission & { ok: false }>();
  /** Plain connections already refused (and being told why): no Peer is made for them. */
  const refusedSockets = new WeakSet<net.Socket>();
  const socketKey = (socket: net.Socket): string => `${normalizeRemoteAddress(socket.remoteAddress)}|${socket.remotePort}`;
  /**
   * Each admitted connection, by `address|port`: when it was accepted (its handshake deadline counts from then), its
   * log until it joins, and (TLS) whether its handshake is over: finished, or its failure logged.
   */
  const accepted = new Map<string, { at: number; log: PreJoinLog; handshakeOver: boolean }>();
  /** Every admitted connection, Peer or not yet (silent, or in its TLS handshake): a shutdown must end them all. */
  const openSockets = new Set<net.Socket>();
  let shutdownReason: { code: ReasonCode; message: string } | undefined;

  // Connections that never join (scanners, broken handshakes) and refused ones would log a line or two each, at
  // whatever rate the admission limits let through: the first few per address and window are logged, the rest counted.
  const logLimits = new AddressLogLimits(logger, options.addressWindowMs ?? ADDRESS_WINDOW_MS);
  const preJoinLogFor = (address: string): PreJoinLog => logLimits.preJoinLog(address, ctx.now);
  /** The log of an admitted connection until it joins (one that somehow has none is limited as a new one). */
  const preJoinLogOf = (socket: net.Socket): PreJoinLog =>
    accepted.get(socketKey(socket))?.log ?? preJoinLogFor(normalizeRemoteAddress(socket.remoteAddress));

  /** Admission before any byte is read or any TLS work is done (docs/protocol.md §5.3). */
  const onRawConnection = (raw: net.Socket): void => {
    // A reset before the first byte (or before TLS) would otherwise be an unhandled 'error' that ends the server;
    // the FrameSocket that takes the connection over adds its own listener.
    raw.on('error', () => {});
    const address = normalizeRemoteAddress(raw.remoteAddress);
    const decision = admission.admit(limitKeyOf(address));
    if (decision.ok) {
      const key = socketKey(raw);
      const entry = { at: ctx.now(), log: preJoinLogFor(address), handshakeOver: false };
      accepted.set(key, entry);
      openSockets.add(raw);
      raw.once('close', () => {
        admission.release(limitKeyOf(address));
        accepted.delete(key);
        openSockets.delete(raw);
        // A TLS client that gave up on the handshake itself: Node reports it ('tlsClientError') only after its socket
        // has lost the address, which this raw socket read when it came, so its line is logged here.
        if (options.tls && !entry.handshakeOver && !shutdownReason) {
          entry.log.log('warn', 'tls-error', { address, detail: 'the client closed the connection during the TLS handshake' });
        }
      });
      return;
    }
    if (logLimits.refused(address, decision, ctx.now()) > EXPLAINED_REFUSALS_PER_WINDOW) {
      raw.destroy();
      return;
    }
    // Tell it why, with a short leash: at once on plain TCP, after the handshake with TLS (the reason is a frame).
    const timer = setTimeout(() => raw.destroy(), 2_000);
    timer.unref();
    if (!options.tls) {
      refusedSockets.add(raw);
      raw.once('close', () => clearTimeout(timer));
      raw.end(refusalFrame(decision));
      return;
    }
    const key = socketKey(raw);
    pendingRefusals.set(key, decision);
    raw.once('close', () => {
      clearTimeout(timer);
      pendingRefusals.delete(key);
    });
  };
  const byeFrame = (code: ReasonCode, message: string): Buffer => encodeFrame({
    type: FrameType.BYE, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq: 1, ts: clock.wallMs(),
    payload: encodeJson({ code, message }),
  });
  const refusalFrame = (refusal: Admission & { ok: false }): Buffer => encodeFrame({
    type: FrameType.REFUSE, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq: 1, ts: clock.wallMs(),
    payload: encodeJson({ code: refusal.code, message: refusal.message }),
  });

  const onConnection = (socket: net.Socket): void => {
    socket.setNoDelay(true);
    const entry = accepted.get(socketKey(socket));
    if (entry) entry.handshakeOver = true;
    const refusal = pendingRefusals.get(socketKey(socket));
    if (refusal) {
      socket.on('error', () => {});
      socket.end(refusalFrame(refusal));
      return;
    }
    if (shutdownReason) {
      // Its first byte or TLS handshake came after the shutdown began: no new participants now.
      socket.on('error', () => {});
      socket.end(byeFrame(shutdownReason.code, shutdownReason.message));
      return;
    }
    const at = entry?.at ?? ctx.now();
    const log = entry?.log ?? preJoinLogFor(normalizeRemoteAddress(socket.remoteAddress));
    let peer: Peer | undefined;
    const transport = new FrameSocket(
      socket,
      {
        onFrame: (frame) => peer?.onFrame(frame),
        onProtocolError: (err) => peer?.onProtocolError(err),
        onSlowConsumer: (detail) => peer?.onSlowConsumer(detail),
        onClose: () => {
          if (peer) {
            peer.onClose();
            peers.delete(peer.id);
          }
          // One that never joined may still hold its `connection` line: it is counted, not lost (§5.3).
          log.ended();
        },
      },
      {
        controlCapBytes: options.controlCapBytes ?? 1024 * 1024,
        ...(options.stallTimeoutMs !== undefined ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
      },
    );
    peer = new Peer(transport, ctx, at, log);
    peers.set(peer.id, peer);
    log.connection({ peer: peer.id, address: transport.remoteAddress, tls: options.tls !== undefined });
  };

  let server: net.Server;
  if (options.tls) {
    server = tls.createServer(
      { key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.3', handshakeTimeout: policy.handshakeTimeoutMs },
      onConnection,
    );
    server.on('tlsClientError', (err, socket) => {
      // Found by address and port, read before the socket is destroyed (after which Node no longer knows them). A
      // client that aborted the handshake itself has taken them along already: its raw socket's close logs it. One
      // not found at all was refused at admission, and logged there.
      const address = normalizeRemoteAddress(socket.remoteAddress);
      const entry = accepted.get(`${address}|${socket.remotePort}`);
      // Node reports a failed or timed-out handshake here and leaves the socket open: a client that sent nothing
      // would hold its connection slot for ever.
      socket.destroy();
      if (!entry) return;
      entry.handshakeOver = true;
      entry.log.log('warn', 'tls-error', { address, detail: tlsErrorDetail(err.message) });
    });
  } else {
    server = net.createServer((socket) => {
      if (refusedSockets.has(socket)) return;
      const log = preJoinLogOf(socket);
      // Until its first byte a connection has no Peer: the handshake deadline must hold here too, or silent sockets
      // would be kept for ever (docs/protocol.md §4.1).
      const silence = setTimeout(() => {
        log.log('warn', 'closed', { address: normalizeRemoteAddress(socket.remoteAddress), state: 'connected', code: Reason.HANDSHAKE_TIMEOUT, detail: 'sent nothing' });
        socket.on('error', () => {});
        socket.end(byeFrame(Reason.HANDSHAKE_TIMEOUT, 'the handshake did not finish in time'));
        setTimeout(() => socket.destroy(), 1_000).unref();
      }, policy.handshakeTimeoutMs);
      silence.unref();
      socket.once('close', () => clearTimeout(silence));
      // A TLS ClientHello (a client started with --tls), an HTTP request or an SSH banner: say what it was, once per
      // connection and off the per-frame path, instead of a frame length of a gigabyte.
      socket.once('data', (chunk: Buffer) => {
        clearTimeout(silence);
        const foreign = foreignProtocol(chunk);
        if (foreign) {
          log.log('warn', foreign.event, { address: normalizeRemoteAddress(socket.remoteAddress), detail: foreign.detail });
          socket.destroy();
          return;
        }
        socket.pause();
        socket.unshift(chunk);
        onConnection(socket);
        socket.resume();
      });
    });
  }

  server.prependListener('connection', onRawConnection);

  const sweep = setInterval(() => {
    const now = ctx.now();
    for (const peer of [...peers.values()]) peer.tick(now);
    logLimits.flush(now);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port ?? DEFAULT_PORT }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger.log('error', 'server-error', { detail: err.message }));
  const address = server.address() as net.AddressInfo;
  const addresses = [formatHostPort(address.address, address.port)];
  // The fingerprint too: operators read it from the journal long after the start-up lines scrolled away.
  logger.log('info', 'listening', {
    address: addresses[0], tls: options.tls !== undefined, fingerprint: options.tls ? fingerprintOfPem(options.tls.cert) : undefined,
    password: auth !== undefined,
  });

  let closing: Promise<void> | undefined;
  return {
    addresses,
    host: address.address,
    port: address.port,
    get connectionCount() {
      return peers.size;
    },
    get openSockets() {
      return admission.openConnections;
    },
    peerStats() {
      return [...peers.values()].map((p) => ({
        id: p.id,
        name: p.name,
        joined: p.joined,
        address: p.address,
        rttMs: p.rttMs,
        bufferedAmount: p.transport.bufferedAmount,
        queue: p.transport.queueStats(),
        flow: p.transport.flowStats(),
        congestionLevel: p.congestionLevel,
      }));
    },
    close(reason = 'server-shutdown') {
      closing ??= (async () => {
        logger.log('info', 'shutdown', { clients: peers.size, reason });
        shutdownReason = reason === 'call-ended'
          ? { code: Reason.CALL_ENDED, message: 'the host ended the call' }
          : { code: Reason.SERVER_SHUTDOWN, message: 'the server is shutting down' };
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const peer of [...peers.values()]) peer.end(shutdownReason.code, shutdownReason.message);
        // Peers leave within a second of their goodbye; whatever is still open then (a connection that never spoke,
        // a handshake half done) is cut, so a shutdown never waits on a client.
        const cutOff = setTimeout(() => {
          for (const socket of openSockets) socket.destroy();
        }, SHUTDOWN_CUTOFF_MS);
        await closed;
        clearTimeout(cutOff);
        clearInterval(sweep);
        // The counts of the windows still open: a scan just before a restart is not forgotten.
        logLimits.endAll(ctx.now());
      })();
      return closing;
    },
  };
}

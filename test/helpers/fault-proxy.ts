import net from 'node:net';

/**
 * A fault-injecting TCP proxy for loopback tests (the kernel here has no netem: PEERS.md). Each direction of each
 * connection can be shaped (rate limit, delay, jitter) and the whole proxy can be switched between modes:
 * - `normal`: forward, shaped;
 * - `freeze`: a peer that vanished without FIN — bytes are read and thrown away, nothing is forwarded, nothing is
 *   closed (what a pulled cable or a dead NAT mapping looks like to both ends);
 * - `stall`: stop reading and forwarding; bytes pile up in the kernel buffers (a peer that stops reading).
 * `reset()` aborts every connection with a TCP RST.
 *
 * Shaping keeps its own buffer small (it pauses the source past `maxBufferBytes`), so a rate limit here pushes back
 * into the sender's socket as a slow link would. Every loop is timer-driven with bounded work per tick.
 */
export interface LinkShape {
  /** Bytes per second; undefined = unlimited. */
  rateBytesPerSec?: number;
  /** Fixed one-way delay added to every chunk. */
  delayMs?: number;
  /** Extra random delay per chunk, 0..jitterMs (order is kept: a chunk never overtakes the one before). */
  jitterMs?: number;
  /** Write each chunk as pieces of 1..splitBytes bytes, each its own write: frames arrive cut at every boundary. */
  splitBytes?: number;
}

export type ProxyMode = 'normal' | 'freeze' | 'stall';

const TICK_MS = 5;

class Pipe {
  private readonly queue: Array<{ chunk: Buffer; at: number }> = [];
  private queuedBytes = 0;
  private tokens = 0;
  private lastAt = 0;
  private lastTick = Date.now();
  /** The source has closed: what it sent before still goes through, then the destination is ended. */
  private srcClosed = false;
  bytes = 0;
  /** Frozen for good (see `mode`). */
  private dead = false;
  private bornFrozen: boolean;

  constructor(
    readonly src: net.Socket,
    private readonly dst: net.Socket,
    private readonly proxy: FaultProxy,
    private readonly direction: 'toServer' | 'toClient',
  ) {
    this.bornFrozen = proxy.freezeForGood && (proxy.directionModes[direction] ?? proxy.mode) === 'freeze';
    src.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private get shape(): LinkShape {
    return this.proxy.shapes[this.direction];
  }

  /**
   * This direction's mode: its own (a half-open path) or the proxy's. A connection that was frozen stays frozen when
   * the path comes back (TCP does not resume a stream with a hole in it: its NAT mapping died, say); one opened while
   * the path is frozen waits, as a SYN retried until the path is back would.
   */
  get mode(): ProxyMode {
    const now = this.proxy.directionModes[this.direction] ?? this.proxy.mode;
    if (this.bornFrozen) {
      if (now === 'freeze') return 'stall';
      this.bornFrozen = false;
    }
    if (now === 'freeze' && this.proxy.freezeForGood) this.dead = true;
    return this.dead ? 'freeze' : now;
  }

  get isToServer(): boolean {
    return this.direction === 'toServer';
  }

  private onData(chunk: Buffer): void {
    if (this.mode === 'freeze') return;
    const { delayMs = 0, jitterMs = 0 } = this.shape;
    const at = Math.max(this.lastAt, Date.now() + delayMs + this.proxy.random() * jitterMs);
    this.lastAt = at;
    this.queue.push({ chunk, at });
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > this.proxy.maxBufferBytes) this.src.pause();
  }

  tick(now: number): void {
    if (this.proxy.cutting) return;
    const mode = this.mode;
    if (mode === 'stall') {
      this.src.pause();
      this.lastTick = now;
      return;
    }
    if (mode === 'freeze') {
      this.queue.length = 0;
      this.queuedBytes = 0;
      this.src.resume();
      this.lastTick = now;
      return;
    }
    const rate = this.shape.rateBytesPerSec;
    if (rate !== undefined) {
      // A bucket of 20 ms: smooth enough that the link looks like a link, not a gate.
      this.tokens = Math.min(Math.max(rate * 0.02, 1500), this.tokens + (rate * (now - this.lastTick)) / 1000);
    }
    this.lastTick = now;
    while (this.queue.length > 0 && this.queue[0]!.at <= now && this.dst.writableLength < 64 * 1024) {
      const head = this.queue[0]!;
      let chunk = head.chunk;
      if (rate !== undefined) {
        if (this.tokens < 1) break;
        if (chunk.length > this.tokens) {
          const n = Math.floor(this.tokens);
          head.chunk = chunk.subarray(n);
          chunk = chunk.subarray(0, n);
        } else {
          this.queue.shift();
        }
        this.tokens -= chunk.length;
      } else {
        this.queue.shift();
      }
      this.queuedBytes -= chunk.length;
      this.bytes += chunk.length;
      const cut = this.proxy.cutAfter[this.direction];
      if (cut !== undefined && chunk.length >= cut) {
        // Cut mid-frame: the first bytes go, then both ends get an RST.
        if (cut > 0) this.dst.write(chunk.subarray(0, cut));
        this.proxy.cutAfter[this.direction] = undefined;
        // A moment for the partial frame to be read before the RST (which discards what is unread); nothing more
        // goes either way meanwhile (the stream ends there: no hole in it).
        this.proxy.cutting = true;
        setTimeout(() => {
          this.proxy.reset();
          this.proxy.cutting = false;
        }, 20);
        return;
      }
      if (cut !== undefined) this.proxy.cutAfter[this.direction] = cut - chunk.length;
      this.writeSplit(chunk);
      this.proxy.lastForwardedAt[this.direction] = now;
    }
    if (this.queuedBytes <= this.proxy.maxBufferBytes / 2 && !this.src.destroyed) this.src.resume();
    if (this.srcClosed && this.queue.length === 0) this.finish();
  }

  private writeSplit(chunk: Buffer): void {
    const most = this.shape.splitBytes;
    if (most === undefined || most < 1) return void this.dst.write(chunk);
    for (let at = 0; at < chunk.length; ) {
      const n = 1 + Math.floor(this.proxy.random() * most);
      this.dst.write(chunk.subarray(at, at + n));
      at += n;
    }
  }

  /** Passes on what is still queued (a REFUSE the server wrote just before closing), then ends the destination. */
  closeWhenDrained(): void {
    this.srcClosed = true;
    if (this.queue.length === 0) this.finish();
  }

  private finish(): void {
    this.proxy.forget(this);
    this.dst.end(() => this.dst.destroy());
  }
}

export class FaultProxy {
  mode: ProxyMode = 'normal';
  /** A mode for one direction only, over the proxy's (`freeze` on one: a half-open path). */
  directionModes: { toServer?: ProxyMode; toClient?: ProxyMode } = {};
  /** Cut every connection (RST) after this many more bytes in that direction: mid-frame, most likely. */
  readonly cutAfter: { toServer?: number | undefined; toClient?: number | undefined } = {};
  /**
   * A connection frozen once stays frozen after `normal` comes back, and one opened while frozen waits for the path
   * (see Pipe.mode). Off by default: the path then resumes with whatever it threw away missing.
   */
  freezeForGood = false;
  /** Between a cut's partial write and its RST. */
  cutting = false;
  /** Jitter and splits draw from this (a seeded generator replays a run). */
  random: () => number = Math.random;
  shapes: { toServer: LinkShape; toClient: LinkShape } = { toServer: {}, toClient: {} };
  /** Bytes the proxy holds per direction before it stops reading (the "router queue"). */
  maxBufferBytes = 16 * 1024;
  private readonly pipes = new Set<Pipe>();
  private readonly sockets = new Set<net.Socket>();
  private readonly timer: NodeJS.Timeout;
  connectionsAccepted = 0;
  /** When bytes last went on, per direction (Date.now()): the latest each end can have heard from the other. */
  readonly lastForwardedAt = { toServer: 0, toClient: 0 };
  /** Where new connections go (an existing one stays where it is): set it to move the "server" elsewhere. */
  targetPort = 0;

  private constructor(private readonly server: net.Server) {
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const pipe of this.pipes) pipe.tick(now);
    }, TICK_MS);
  }

  static async start(targetPort: number, shapes: Partial<FaultProxy['shapes']> = {}): Promise<FaultProxy> {
    let proxy!: FaultProxy;
    const server = net.createServer((client) => {
      proxy.connectionsAccepted += 1;
      const upstream = net.connect({ host: '127.0.0.1', port: proxy.targetPort });
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      const pipes = [new Pipe(client, upstream, proxy, 'toServer'), new Pipe(upstream, client, proxy, 'toClient')];
      for (const pipe of pipes) proxy.pipes.add(pipe);
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          proxy.sockets.delete(s);
          // A frozen path carries no FIN either: the other side must find out by itself.
          const from = pipes.find((pipe) => pipe.src === s)!;
          if (from.mode === 'freeze') return;
          for (const pipe of pipes) if (pipe.src === s) pipe.closeWhenDrained();
          else proxy.pipes.delete(pipe);
        });
      }
    });
    proxy = new FaultProxy(server);
    proxy.targetPort = targetPort;
    proxy.shapes = { toServer: shapes.toServer ?? {}, toClient: shapes.toClient ?? {} };
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Open proxied connections (each counts its two sockets). */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** Bytes forwarded so far, per direction, over all connections still open. */
  bytesForwarded(direction: 'toServer' | 'toClient'): number {
    let n = 0;
    for (const pipe of this.pipes) if (pipe.isToServer === (direction === 'toServer')) n += pipe.bytes;
    return n;
  }

  setMode(mode: ProxyMode): void {
    this.mode = mode;
  }

  /** Aborts every open connection with a TCP RST on both sides. */
  forget(pipe: Pipe): void {
    this.pipes.delete(pipe);
  }

  reset(): void {
    for (const s of [...this.sockets]) s.resetAndDestroy();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

import { monotonicMs, type Clock } from '../util/clock.js';

/** Pings remembered while unanswered. */
const MAX_PINGS_OUT = 64;

/** What the heartbeat needs of its connection. */
export interface HeartbeatLink {
  /** Sends a PING with `seq`, stamped `at` (wall ms). */
  sendPing(seq: number, at: number): void;
  /**
   * Nothing came from the server for `idleLimitMs`: the connection is dead (docs/protocol.md §4.3). `lateMs`: how
   * long after its deadline this was noticed, time this process could not run (a laptop asleep, a stopped job).
   */
  silent(idleLimitMs: number, lateMs: number): void;
}

/**
 * A session's liveness (docs/protocol.md §4.3): pings to the server and the round trip their answers measure, and
 * the silence after which the connection is given up. `now` (monotonic) times the silence, so setting the wall clock
 * neither ends a live call (an hour forward was an hour of silence) nor keeps a dead one (an hour back, an hour more);
 * the clock stamps pings.
 */
export class Heartbeat {
  private pingTimer: NodeJS.Timeout | undefined;
  private firstPing: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private pingSeq = 0;
  /** Pings not answered yet, oldest first, with when each went (wall ms). */
  private pingsOut: Array<{ seq: number; at: number }> = [];
  private lastRtt: number | undefined;
  private lastHeardAt = 0;
  private stopped = false;

  constructor(
    private readonly link: HeartbeatLink,
    private readonly clock: Clock,
    private readonly now: () => number = monotonicMs,
  ) {}

  /** The round trip the latest answered ping measured, undefined before one was. */
  get lastRttMs(): number | undefined {
    return this.lastRtt;
  }

  /** How long ago anything came from the server (see `heard`). */
  get heardAgoMs(): number {
    return Math.max(0, this.now() - this.lastHeardAt);
  }

  /** How long our ping has gone unanswered (0 when none is out). */
  get unansweredPingMs(): number {
    const oldest = this.pingsOut[0];
    return oldest === undefined ? 0 : Math.max(0, this.clock.wallMs() - oldest.at);
  }

  /** Something came from the server (the handshake counts). */
  heard(): void {
    this.lastHeardAt = this.now();
  }

  /** A PONG answering `seq`: the round trip it measured, or undefined when it answers no ping still out. */
  answered(seq: number): number | undefined {
    // Any ping still out: on a path whose round trip is longer than the ping interval, every answer is to an
    // older one than the last sent. Those before it went unanswered (the server answers each) and are dropped.
    const answered = this.pingsOut.findIndex((ping) => ping.seq === seq);
    if (answered < 0) return undefined;
    this.lastRtt = Math.max(0, this.clock.wallMs() - this.pingsOut[answered]!.at);
    this.pingsOut.splice(0, answered + 1);
    return this.lastRtt;
  }

  /** Gives the connection up after `idleLimitMs` of silence (see armIdleTimer). */
  watchSilence(idleLimitMs: number): void {
    this.armIdleTimer(idleLimitMs, idleLimitMs);
  }

  /** Starts pinging, as the WELCOME asked (its `pingIntervalMs` and `idleTimeoutMs`), and watches for silence. */
  start(pingIntervalMs: number, idleTimeoutMs: number): void {
    // A second WELCOME (a server that sent two) starts over, not a second set of timers beside the first.
    this.clearTimers();
    const interval = Math.max(1000, Math.min(pingIntervalMs, 30_000));
    const idleLimit = Math.max(interval * 2, idleTimeoutMs);
    const ping = (): void => {
      this.pingSeq = (this.pingSeq + 1) >>> 0;
      // Bounded: a link that answers nothing for minutes ends on the idle timer long before this matters.
      if (this.pingsOut.length >= MAX_PINGS_OUT) this.pingsOut.shift();
      const at = this.clock.wallMs();
      this.pingsOut.push({ seq: this.pingSeq, at });
      this.link.sendPing(this.pingSeq, at);
    };
    // A first ping soon after joining, so the first stats show the round-trip time, but not at once: the moment of
    // joining is busy (the UI starting, devices opening) and would report that instead of the network.
    const first = setTimeout(ping, Math.min(interval, 1000));
    first.unref();
    this.pingTimer = setInterval(ping, interval);
    this.pingTimer.unref();
    this.firstPing = first;
    this.armIdleTimer(idleLimit, idleLimit);
  }

  /** Stops pinging and watching (the session ended). */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.firstPing) clearTimeout(this.firstPing);
    if (this.idleTimer) clearTimeout(this.idleTimer);
  }

  /**
   * Half-open connections (docs/protocol.md §4.3): due `idleLimit` after the last frame heard. Not re-armed per
   * frame; when it fires early it waits out the remainder, so the connection is given up exactly `idleLimit` after
   * the server went silent, not up to a ping interval later.
   */
  private armIdleTimer(delayMs: number, idleLimit: number): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const dueAt = this.now() + Math.max(1, delayMs);
    this.idleTimer = setTimeout(() => {
      if (this.stopped) return;
      const now = this.now();
      const silentMs = now - this.lastHeardAt;
      if (silentMs >= idleLimit) {
        this.link.silent(idleLimit, Math.max(0, now - dueAt));
      } else {
        this.armIdleTimer(idleLimit - silentMs, idleLimit);
      }
    }, Math.max(1, delayMs));
    this.idleTimer.unref();
  }
}

/**
 * Log limits per address (docs/protocol.md §5.3): a flood of connections that never join (scanners, refused retries,
 * broken handshakes) is logged as a few lines and a count per address and window, not a line per connection.
 * Pure: the caller passes the time, and the sweep ends windows.
 */
import type { LogFields, LogLevel, Logger } from './logger.js';

/** Options of `AddressWindows`. */
export interface AddressWindowsOptions<T> {
  windowMs: number;
  /** Addresses tracked at once; past it the oldest window ends early (memory stays bounded). Default 10,000. */
  maxAddresses?: number;
  /** A new window's tally. */
  create(): T;
  /** A window is over (its time is up, or it made room): `lastedMs` is how long it ran. */
  onEnd(address: string, tally: T, lastedMs: number): void;
}

/**
 * A tally per address over fixed windows. Windows sit in the map in the order they started (an address whose
 * window ends is deleted and set again), so `flush` only looks at the windows that are over, oldest first.
 */
export class AddressWindows<T> {
  private readonly windows = new Map<string, { start: number; tally: T }>();
  private readonly maxAddresses: number;

  constructor(private readonly options: AddressWindowsOptions<T>) {
    this.maxAddresses = options.maxAddresses ?? 10_000;
  }

  get size(): number {
    return this.windows.size;
  }

  /** The tally of `address`'s current window, started now if it has none or its last one is over. */
  tally(address: string, now: number): T {
    const window = this.windows.get(address);
    if (window && now - window.start < this.options.windowMs) return window.tally;
    if (window) this.end(address, now);
    else if (this.windows.size >= this.maxAddresses) this.end(this.windows.keys().next().value!, now);
    const fresh = { start: now, tally: this.options.create() };
    this.windows.set(address, fresh);
    return fresh.tally;
  }

  /** Ends every window whose time is up (called from the server's sweep). */
  flush(now: number): void {
    for (const [address, window] of this.windows) {
      if (now - window.start < this.options.windowMs) return;
      this.end(address, now);
    }
  }

  /** Ends every window now (the server is stopping). */
  endAll(now: number): void {
    for (const address of [...this.windows.keys()]) this.end(address, now);
  }

  private end(address: string, now: number): void {
    const window = this.windows.get(address)!;
    this.windows.delete(address);
    this.options.onEnd(address, window.tally, now - window.start);
  }
}

/** The logged connections an address has left in its window (AddressLogLimits), as one connection's log uses them. */
export interface PreJoinBudget {
  /** Takes one of the address's logged connections for the window, if one is left. */
  claim(): boolean;
  /** The connection that took one joined: it is no connection that never joins, and leaves its place to another. */
  giveBack(): void;
}

/**
 * The log of one connection until it joins. A loud one logs as usual. A quiet one (its address has used up its lines
 * for the window) holds its `connection` line back until it joins — a participant's story stays whole — and drops
 * everything else, telling `onDropped` once so the address's summary can count it. One that ends without joining
 * is counted even if its held `connection` line was all it had (`ended`). With a `budget`, a loud one that joins
 * gives its place back, and a quiet one asks again when it first has a line to log: participants do not use up the
 * lines of those refused after them (an office behind one address, everyone back at once after a restart).
 */
export class PreJoinLog {
  private held: LogFields | undefined;
  private dropped = false;
  private isLoud: boolean;

  constructor(
    private readonly logger: Logger,
    loud: boolean,
    private readonly onDropped: () => void = () => {},
    private readonly budget?: PreJoinBudget,
  ) {
    this.isLoud = loud;
  }

  /** The line every accepted connection gets. */
  connection(fields: LogFields): void {
    if (this.isLoud) this.logger.log('info', 'connection', fields);
    else this.held = fields;
  }

  log(level: LogLevel, event: string, fields: LogFields): void {
    if (!this.isLoud) this.claimPlace();
    if (this.isLoud) return this.logger.log(level, event, fields);
    this.drop();
  }

  /** The connection joined: from now on its lines are not limited, and its `connection` line is logged if held. */
  joined(): void {
    if (this.held) this.logger.log('info', 'connection', this.held);
    this.held = undefined;
    if (this.isLoud) this.budget?.giveBack();
  }

  /**
   * The connection closed. Still holding its `connection` line, it never joined: that line is logged if a place is
   * free now, else dropped and the connection counted, or a scanner that hangs up after a few bytes (or a client
   * without the password, at the CHALLENGE) would be neither logged nor counted (docs/protocol.md §5.3). Safe to
   * call more than once.
   */
  ended(): void {
    if (this.held) this.claimPlace();
    if (this.held) this.drop();
    this.held = undefined;
  }

  /** A quiet connection with a line to log takes a place freed since it opened, its held line first. */
  private claimPlace(): void {
    if (this.dropped || !this.budget?.claim()) return;
    this.isLoud = true;
    if (this.held) this.logger.log('info', 'connection', this.held);
    this.held = undefined;
  }

  private drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    this.onDropped();
  }
}

/** A PreJoinLog that is never limited (peers made outside a server, tests). */
export const loudPreJoinLog = (logger: Logger): PreJoinLog => new PreJoinLog(logger, true);

/** Connections from one address per window whose lines before the join are logged; the rest are counted. */
export const LOGGED_UNJOINED_PER_WINDOW = 3;

/**
 * The server's per-address log limits: refused connections (the first logged, then a count) and connections that
 * never join (the first few logged, then a count), each summed up in one line when the address's window ends.
 */
export class AddressLogLimits {
  private readonly refusals: AddressWindows<{ count: number; code: string }>;
  private readonly unjoined: AddressWindows<{ connections: number; unlogged: number }>;

  constructor(private readonly logger: Logger, windowMs: number) {
    this.refusals = new AddressWindows({
      windowMs,
      create: () => ({ count: 0, code: '' }),
      onEnd(address, { count, code }) {
        if (count > 1) logger.log('warn', 'connection-refused', { address, code, detail: 'summary', refusedInWindow: count });
      },
    });
    this.unjoined = new AddressWindows({
      windowMs,
      create: () => ({ connections: 0, unlogged: 0 }),
      onEnd(address, { unlogged }, lastedMs) {
        if (unlogged === 0) return;
        logger.log('warn', 'unlogged', {
          address, connections: unlogged,
          detail: `${unlogged} more ${unlogged === 1 ? 'connection' : 'connections'} from ${address} in the last ` +
            `${Math.round(lastedMs / 1000)} s ended before joining, ${unlogged === 1 ? 'its' : 'their'} lines not logged`,
        });
      },
    });
  }

  /** Logs a connection refused at admission if it is the address's first in the window; returns its number there. */
  refused(address: string, refusal: { code: string; message: string }, now: number): number {
    const tally = this.refusals.tally(address, now);
    tally.count += 1;
    tally.code = refusal.code;
    if (tally.count === 1) this.logger.log('warn', 'connection-refused', { address, code: refusal.code, detail: refusal.message });
    return tally.count;
  }

  /** The log of a new connection from `address` until it joins; `now` reads the clock when a line is dropped. */
  preJoinLog(address: string, now: () => number): PreJoinLog {
    // The window a place was taken from: given back there, not to a later window.
    let claimedFrom: { connections: number } | undefined;
    const budget: PreJoinBudget = {
      claim: () => {
        const tally = this.unjoined.tally(address, now());
        if (tally.connections >= LOGGED_UNJOINED_PER_WINDOW) return false;
        tally.connections++;
        claimedFrom = tally;
        return true;
      },
      giveBack: () => {
        if (claimedFrom) claimedFrom.connections--;
        claimedFrom = undefined;
      },
    };
    return new PreJoinLog(this.logger, budget.claim(), () => void this.unjoined.tally(address, now()).unlogged++, budget);
  }

  /** Logs the counts of the windows that are over (the server's sweep). */
  flush(now: number): void {
    this.refusals.flush(now);
    this.unjoined.flush(now);
  }

  /** Logs the counts of every window still open (the server is stopping). */
  endAll(now: number): void {
    this.refusals.endAll(now);
    this.unjoined.endAll(now);
  }
}

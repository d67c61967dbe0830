/**
 * Time sources, injected so pure modules can be tested with fake time.
 * `wallMs` is milliseconds since the Unix epoch with sub-millisecond precision: capture timestamps on the wire use
 * it (docs/protocol.md §3), so latency can be measured between processes on one machine.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, fractional. */
  wallMs(): number;
}

export const SYSTEM_CLOCK: Clock = {
  wallMs: () => performance.timeOrigin + performance.now(),
};

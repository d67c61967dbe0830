/**
 * Keeps a microphone or speaker through a loss (SPEC §4: a missing device never ends the call, and users expect a
 * headset plugged back in, or a sound server back after a restart, to work again without leaving the call). A
 * device that worked and was then lost is opened again, soon at first and then every 10 s, until it works again or
 * the call ends. One that never worked is not retried: whoever opened it falls back at once, as before.
 *
 * Each attempt is a fresh device process (device.ts): PortAudio sees the devices there are now only when it starts.
 */
import { AudioBackendUnavailableError, AudioError } from './errors.js';

/** One open of the device: a worker process that reports `flowing` once the device works, or `failed`. */
export interface DeviceRun {
  stop(): Promise<void>;
}

/** What a run reports to its keeper. */
export interface DeviceRunEvents {
  /** The device has worked for a moment (the worker's `flowing`). */
  flowing(): void;
  /** The run is over: it could not open the device, or the device went away. */
  failed(err: AudioError): void;
}

/** What the keeper reports. */
export interface DeviceKeeperEvents {
  /** The device failed before it ever worked (or was lost, with `reopen: false`): not retried. */
  failed(err: AudioError): void;
  /** The device that worked is gone; it is being opened again. */
  lost(err: AudioError): void;
  /** The device works again after `lost`. */
  back(): void;
}

/** Waits before the attempts after a loss: 1, 2, 4, 8 s, then every 10 s (a sound server restarts in a second). */
export function reopenDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** attempt, 10_000);
}

/** Runs `fn` after `ms`; returns how to cancel it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

const realSchedule: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

type KeeperState = 'idle' | 'opening' | 'working' | 'reopening' | 'stopped';

export class DeviceKeeper {
  private state: KeeperState = 'idle';
  private run: DeviceRun | undefined;
  private cancelRetry: (() => void) | undefined;
  private attempt = 0;

  private readonly schedule: Schedule;
  private readonly reopen: boolean;

  /**
   * `open` starts one run; an exception from it counts as that run failing. `reopen: false` makes a loss `failed`
   * too (nobody to tell it came back).
   */
  constructor(
    private readonly open: (events: DeviceRunEvents) => DeviceRun,
    private readonly events: DeviceKeeperEvents,
    options: { reopen?: boolean; schedule?: Schedule } = {},
  ) {
    this.reopen = options.reopen ?? true;
    this.schedule = options.schedule ?? realSchedule;
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'opening';
    this.launch();
  }

  /** Stops the current run and any attempt to come; nothing is reported after. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    const run = this.run;
    this.run = undefined;
    await run?.stop();
  }

  private launch(): void {
    let current: DeviceRun | undefined;
    let over = false;
    const events: DeviceRunEvents = {
      flowing: () => {
        if (over || this.state === 'stopped') return;
        const wasLost = this.state === 'reopening';
        this.state = 'working';
        this.attempt = 0;
        if (wasLost) this.events.back();
      },
      failed: (err) => {
        if (over) return;
        over = true;
        if (this.run === current) this.run = undefined;
        void current?.stop();
        this.runFailed(err);
      },
    };
    try {
      current = this.open(events);
    } catch (err) {
      // Reported as a failure of this run (after the caller's `start` returned, as a worker's would be).
      const error = err instanceof AudioError
        ? err
        : new AudioBackendUnavailableError(`the audio device process did not start: ${(err as Error).message}`, { cause: err });
      queueMicrotask(() => events.failed(error));
      return;
    }
    if (over) void current.stop();
    else this.run = current;
  }

  private runFailed(err: AudioError): void {
    if (this.state === 'stopped') return;
    if (this.state === 'opening' || (this.state === 'working' && !this.reopen)) {
      this.state = 'stopped';
      this.events.failed(err);
      return;
    }
    if (this.state === 'working') {
      this.state = 'reopening';
      this.attempt = 0;
      this.events.lost(err);
    }
    this.cancelRetry = this.schedule(() => {
      this.cancelRetry = undefined;
      if (this.state === 'reopening') this.launch();
    }, reopenDelayMs(this.attempt++));
  }
}

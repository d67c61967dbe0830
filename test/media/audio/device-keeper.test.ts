/**
 * DeviceKeeper's decisions, with runs driven by the test (the real worker runs are in device-isolation.test.ts and
 * device.test.ts) and a schedule the test fires by hand.
 */
import { describe, expect, test } from 'vitest';
import { DeviceKeeper, reopenDelayMs, type DeviceRunEvents, type Schedule } from '../../../src/media/audio/device-keeper.js';
import { AudioDeviceLostError, AudioDeviceNotFoundError } from '../../../src/media/audio/errors.js';

/** A keeper whose runs and timers the test drives; `log` records what it reported and did, in order. */
function harness(options: { reopen?: boolean; openThrowsAt?: number } = {}) {
  const log: string[] = [];
  const runs: DeviceRunEvents[] = [];
  const timers: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
  const schedule: Schedule = (fn, ms) => {
    const timer = { fn, ms, cancelled: false };
    timers.push(timer);
    log.push(`wait ${ms}`);
    return () => (timer.cancelled = true);
  };
  const keeper = new DeviceKeeper(
    (events) => {
      const n = runs.length + 1;
      runs.push(events);
      log.push(`open ${n}`);
      if (n === options.openThrowsAt) throw new AudioDeviceLostError('the worker could not start');
      return { stop: async () => void log.push(`stop ${n}`) };
    },
    {
      failed: (err) => log.push(`failed: ${err.message}`),
      lost: (err) => log.push(`lost: ${err.message}`),
      back: () => log.push('back'),
    },
    { schedule, ...(options.reopen !== undefined ? { reopen: options.reopen } : {}) },
  );
  /** Fires the latest timer (the keeper has at most one pending). */
  const fire = (): void => {
    const timer = timers.at(-1)!;
    if (!timer.cancelled) timer.fn();
  };
  return { keeper, log, runs, timers, fire };
}

const gone = (): AudioDeviceLostError => new AudioDeviceLostError('the microphone sent no sound for 2 s');

describe('DeviceKeeper', () => {
  test('a device that never worked is given up at once: failed, no retry', () => {
    const { keeper, log, runs } = harness();
    keeper.start();
    runs[0]!.failed(new AudioDeviceNotFoundError('there is no default microphone'));
    expect(log).toEqual(['open 1', 'stop 1', 'failed: there is no default microphone']);
  });

  test('a device lost after it worked is opened again, with growing waits, until it works; then back', () => {
    const { keeper, log, runs, fire } = harness();
    keeper.start();
    runs[0]!.flowing();
    runs[0]!.failed(gone());
    expect(log).toEqual(['open 1', 'stop 1', 'lost: the microphone sent no sound for 2 s', 'wait 1000']);
    fire();
    runs[1]!.failed(new AudioDeviceNotFoundError('there is no default microphone'));
    fire();
    runs[2]!.failed(new AudioDeviceLostError('the microphone sent no sound in the 3 s after it opened'));
    fire();
    runs[3]!.flowing();
    // Each failed attempt is quiet: the user heard once that it is gone, and hears once that it is back.
    expect(log.slice(4)).toEqual(['open 2', 'stop 2', 'wait 2000', 'open 3', 'stop 3', 'wait 4000', 'open 4', 'back']);
  });

  test('after coming back, the next loss starts the waits from the beginning again', () => {
    const { keeper, log, runs, fire } = harness();
    keeper.start();
    runs[0]!.flowing();
    runs[0]!.failed(gone());
    fire();
    runs[1]!.failed(gone());
    fire();
    runs[2]!.flowing();
    runs[2]!.failed(gone());
    expect(log.filter((l) => l.startsWith('wait') || l.startsWith('lost') || l === 'back')).toEqual([
      'lost: the microphone sent no sound for 2 s', 'wait 1000', 'wait 2000', 'back', 'lost: the microphone sent no sound for 2 s', 'wait 1000',
    ]);
  });

  test('the waits grow to 10 s and stay there', () => {
    expect([0, 1, 2, 3, 4, 5, 20].map(reopenDelayMs)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  test('stop cancels the attempt to come and reports nothing after', async () => {
    const { keeper, log, runs, timers } = harness();
    keeper.start();
    runs[0]!.flowing();
    runs[0]!.failed(gone());
    await keeper.stop();
    expect(timers[0]!.cancelled).toBe(true);
    runs[0]!.flowing(); // a late message from the old run
    expect(log).toEqual(['open 1', 'stop 1', 'lost: the microphone sent no sound for 2 s', 'wait 1000']);
  });

  test('stop during an attempt stops that run', async () => {
    const { keeper, log, runs, fire } = harness();
    keeper.start();
    runs[0]!.flowing();
    runs[0]!.failed(gone());
    fire();
    await keeper.stop();
    runs[1]!.flowing();
    expect(log.slice(-2)).toEqual(['open 2', 'stop 2']);
  });

  test('events of a run that is over are ignored (a second failure, a flowing after the failure)', () => {
    const { keeper, log, runs } = harness();
    keeper.start();
    runs[0]!.flowing();
    runs[0]!.failed(gone());
    runs[0]!.failed(gone());
    runs[0]!.flowing();
    expect(log).toEqual(['open 1', 'stop 1', 'lost: the microphone sent no sound for 2 s', 'wait 1000']);
  });

  test('an attempt whose worker cannot even start counts as a failed attempt', async () => {
    const { keeper, log, runs, fire } = harness({ openThrowsAt: 2 });
    keeper.start();
    runs[0]!.flowing();
    runs[0]!.failed(gone());
    fire();
    await Promise.resolve();
    expect(log.slice(-2)).toEqual(['open 2', 'wait 2000']);
  });

  test('reopen: false makes a loss final', () => {
    const { keeper, log, runs } = harness({ reopen: false });
    keeper.start();
    runs[0]!.flowing();
    runs[0]!.failed(gone());
    expect(log).toEqual(['open 1', 'stop 1', 'failed: the microphone sent no sound for 2 s']);
  });
});

import { describe, expect, it } from 'vitest';
import { CongestionMeter, type CongestionReading } from '../../src/net/congestion-meter.js';

/**
 * Feeds a meter cumulative counts, as a connection reads them: each `step` adds to the totals since the last sample
 * (and, by default, shows the receiver took something) and samples 500 ms later.
 */
function feeder(): { meter: CongestionMeter; step(add?: Partial<CongestionReading>): number } {
  const meter = new CongestionMeter();
  const totals = { videoQueued: 0, droppedVideoBehind: 0, droppedAudioBehind: 0, taken: 0 };
  let now = 0;
  return {
    meter,
    step(add = {}) {
      now += 500;
      totals.videoQueued += add.videoQueued ?? 0;
      totals.droppedVideoBehind += add.droppedVideoBehind ?? 0;
      totals.droppedAudioBehind += add.droppedAudioBehind ?? 0;
      totals.taken += add.taken ?? 1;
      return meter.sample(now, {
        ...totals, queueEmpty: add.queueEmpty ?? false, delay: add.delay, targetDelayMs: add.targetDelayMs ?? 100,
      });
    },
  };
}

describe('CongestionMeter: the congestion of the path to one receiver (docs/protocol.md §5.2)', () => {
  it('takes a new sample only 450 ms after the last one', () => {
    const meter = new CongestionMeter();
    expect(meter.due(449)).toBe(false);
    expect(meter.due(450)).toBe(true);
    meter.sample(1_000, { videoQueued: 0, droppedVideoBehind: 0, droppedAudioBehind: 0, taken: 0, queueEmpty: true, delay: undefined, targetDelayMs: 100 });
    expect(meter.due(1_449)).toBe(false);
    expect(meter.due(1_450)).toBe(true);
  });

  it('rises to 2 on dropped audio only when two samples in a row agree', () => {
    const f = feeder();
    expect(f.step({ droppedAudioBehind: 1 })).toBe(0);
    expect(f.step({ droppedAudioBehind: 1 })).toBe(2);
    expect(f.meter.level).toBe(2);
  });

  it('rises to 1 when a fifth or more of the queued video was dropped, not less', () => {
    const thinned = feeder();
    thinned.step({ videoQueued: 10, droppedVideoBehind: 2 });
    expect(thinned.step({ videoQueued: 10, droppedVideoBehind: 2 })).toBe(1);
    const fine = feeder();
    fine.step({ videoQueued: 10, droppedVideoBehind: 1 });
    expect(fine.step({ videoQueued: 10, droppedVideoBehind: 1 })).toBe(0);
  });

  it('does not count the drops of a receiver that took nothing since the last sample', () => {
    const f = feeder();
    f.step();
    expect(f.step({ droppedAudioBehind: 5, taken: 0 })).toBe(0);
    expect(f.step({ droppedAudioBehind: 5, taken: 0 })).toBe(0);
    // An empty queue is a receiver that keeps up, whatever the count says.
    expect(f.step({ droppedAudioBehind: 5, taken: 0, queueEmpty: true })).toBe(0);
    expect(f.step({ droppedAudioBehind: 5, taken: 0, queueEmpty: true })).toBe(2);
  });

  it('falls only after three calm samples, and one congested sample between them starts the count again', () => {
    const f = feeder();
    f.step({ droppedAudioBehind: 1 });
    f.step({ droppedAudioBehind: 1 });
    expect([f.step(), f.step()]).toEqual([2, 2]);
    expect(f.step({ droppedAudioBehind: 1 })).toBe(2);
    expect([f.step(), f.step(), f.step()]).toEqual([2, 2, 0]);
  });

  it('with ACKs, reads a path that queued past the target in half its round trips as 1, past twice the target as 2', () => {
    const full = feeder();
    const halfQueued = { samples: 4, queued: 2, worstQueueingMs: 150 };
    full.step({ delay: halfQueued });
    expect(full.step({ delay: halfQueued })).toBe(1);
    const late = feeder();
    const lateAudio = { samples: 4, queued: 2, worstQueueingMs: 201 };
    late.step({ delay: lateAudio });
    expect(late.step({ delay: lateAudio })).toBe(2);
    const fewQueued = feeder();
    const under = { samples: 5, queued: 2, worstQueueingMs: 500 };
    fewQueued.step({ delay: under });
    expect(fewQueued.step({ delay: under })).toBe(0);
  });
});

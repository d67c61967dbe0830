import { describe, expect, it } from 'vitest';
import { UplinkTotals } from '../../src/client/uplink-totals.js';

describe('UplinkTotals: the call\'s sending over all its connections', () => {
  it('gives kbit/s delivered per sample window and frames dropped so far', () => {
    const totals = new UplinkTotals(0);
    expect(totals.sample(2_000, { bytesDelivered: 50_000, videoFramesDropped: 1 })).toEqual({ windowMs: 2_000, uplinkKbps: 200, videoFramesDropped: 1 });
    expect(totals.sample(3_000, { bytesDelivered: 62_500, videoFramesDropped: 1 })).toEqual({ windowMs: 1_000, uplinkKbps: 100, videoFramesDropped: 1 });
  });

  it('counts a replaced connection on: the new one starting from zero is not a negative rate, nor forgets its drops', () => {
    const totals = new UplinkTotals(0);
    const first = { bytesDelivered: 25_000, videoFramesDropped: 3 };
    totals.sample(1_000, first);
    totals.retire({ bytesDelivered: 37_500, videoFramesDropped: 4 });
    // Between connections: nothing new arrives, and nothing is lost.
    expect(totals.sample(2_000, undefined)).toEqual({ windowMs: 1_000, uplinkKbps: 100, videoFramesDropped: 4 });
    expect(totals.sample(3_000, { bytesDelivered: 12_500, videoFramesDropped: 1 })).toEqual({ windowMs: 1_000, uplinkKbps: 100, videoFramesDropped: 5 });
  });

  it('never divides by a zero window', () => {
    const totals = new UplinkTotals(5_000);
    expect(totals.sample(5_000, { bytesDelivered: 125, videoFramesDropped: 0 })).toEqual({ windowMs: 1, uplinkKbps: 1_000, videoFramesDropped: 0 });
  });
});

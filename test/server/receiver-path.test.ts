import { describe, expect, it } from 'vitest';
import { CongestionLevel } from '../../src/protocol/index.js';
import { ReceiverPath, type PathMeter } from '../../src/server/receiver-path.js';

/** A path measured as `level`, stalled for `stalledMs`; counts how often the level was measured. */
function meter(level: number, stalledMs = 0): PathMeter & { measured: number } {
  return {
    measured: 0,
    stalledMs: () => stalledMs,
    congestionLevel() {
      this.measured++;
      return level;
    },
  };
}

describe('ReceiverPath: what video a receiver gets, and its congestion as the room is told', () => {
  it('reports a new level once, then nothing until it changes again', () => {
    const path = new ReceiverPath();
    expect(path.sample(0, meter(CongestionLevel.VIDEO_THINNED))).toEqual({ level: CongestionLevel.VIDEO_THINNED });
    expect(path.sample(500, meter(CongestionLevel.VIDEO_THINNED))).toEqual({});
    expect(path.level).toBe(CongestionLevel.VIDEO_THINNED);
    expect(path.sample(1_000, meter(CongestionLevel.CLEAR))).toEqual({ level: CongestionLevel.CLEAR });
    expect(path.takesVideo).toBe(true);
  });

  it('reports a receiver that has taken nothing for over 2 s as clear, without measuring its queue', () => {
    const path = new ReceiverPath();
    const frozen = meter(CongestionLevel.AUDIO_AT_RISK, 2_001);
    expect(path.sample(0, frozen)).toEqual({});
    expect(frozen.measured).toBe(0);
    expect(path.sample(500, meter(CongestionLevel.AUDIO_AT_RISK, 2_000))).toEqual({ level: CongestionLevel.AUDIO_AT_RISK });
  });

  it('withholds video from a receiver congested for most of 20 s, once, and reports its path clear', () => {
    const path = new ReceiverPath();
    const changes = Array.from({ length: 20 }, (_, i) => path.sample(i * 500, meter(CongestionLevel.AUDIO_AT_RISK)));
    expect(changes[0]).toEqual({ level: CongestionLevel.AUDIO_AT_RISK });
    expect(changes.slice(1, 19).every((change) => Object.keys(change).length === 0)).toBe(true);
    expect(changes[19]).toEqual({ level: CongestionLevel.CLEAR, videoWithheld: true });
    expect(path.takesVideo).toBe(false);
  });

  it('sends no video to a receiver that asked for audio only, and never judges it too slow for video', () => {
    const path = new ReceiverPath();
    for (let i = 0; i < 15; i++) path.sample(i * 500, meter(CongestionLevel.VIDEO_THINNED));
    path.choose(false);
    expect(path.takesVideo).toBe(false);
    const changes = Array.from({ length: 60 }, (_, i) => path.sample(7_500 + i * 500, meter(CongestionLevel.AUDIO_AT_RISK)));
    expect(changes[0]).toEqual({ level: CongestionLevel.CLEAR });
    expect(changes.slice(1).every((change) => Object.keys(change).length === 0)).toBe(true);
    // Video again: its congested past (15 samples before audio only) does not count against it now.
    path.choose(true);
    const after = Array.from({ length: 19 }, (_, i) => path.sample(37_500 + i * 500, meter(CongestionLevel.VIDEO_THINNED)));
    expect(after.some((change) => change.videoWithheld)).toBe(false);
    expect(path.takesVideo).toBe(true);
  });
});

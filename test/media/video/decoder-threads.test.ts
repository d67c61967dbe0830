import { describe, expect, it } from 'vitest';
import {
  decoderThreading,
  decoderThreadingArgs,
  parseFrameRate,
  parseProbeOutput,
} from '../../../src/media/video/decoder-threads.js';

describe('how the decoder of a video file may use threads', () => {
  it.each([
    { what: 'a slideshow, even in 4K', stream: { width: 3840, height: 2160, fps: 0.5 }, threading: 'slice' },
    { what: '720p at 30 fps', stream: { width: 1280, height: 720, fps: 30 }, threading: 'slice' },
    { what: '1080p at 30 fps (a third of a core, one thread)', stream: { width: 1920, height: 1080, fps: 30 }, threading: 'slice' },
    { what: '1080p at 60 fps', stream: { width: 1920, height: 1080, fps: 60 }, threading: 'frame' },
    { what: '2160p at 30 fps (a whole core, one thread)', stream: { width: 3840, height: 2160, fps: 30 }, threading: 'frame' },
    { what: 'a file that does not say its rate', stream: { width: 3840, height: 2160, fps: 0 }, threading: 'slice' },
    { what: 'nothing known (a pipe, no ffprobe)', stream: undefined, threading: 'slice' },
  ])('$what: $threading', ({ stream, threading }) => {
    expect(decoderThreading(stream)).toBe(threading);
  });

  it('slice threading is asked for before the input; frame threading is ffmpeg\'s own default', () => {
    expect(decoderThreadingArgs('slice')).toEqual(['-thread_type', 'slice']);
    expect(decoderThreadingArgs('frame')).toEqual([]);
  });

  it('reads ffprobe\'s answer', () => {
    expect(parseFrameRate('30000/1001')).toBeCloseTo(29.97, 2);
    expect(parseFrameRate('0/0')).toBe(0);
    expect(parseFrameRate(undefined)).toBe(0);
    const json = (stream: object): string => JSON.stringify({ programs: [], streams: [stream] });
    const slides = json({ width: 1280, height: 720, avg_frame_rate: '1/2', r_frame_rate: '1/2' });
    expect(parseProbeOutput(slides)).toEqual({ width: 1280, height: 720, fps: 0.5 });
    // A file that does not know its average (0/0) gives its base rate.
    const unknownAverage = json({ width: 640, height: 480, avg_frame_rate: '0/0', r_frame_rate: '25/1' });
    expect(parseProbeOutput(unknownAverage)).toEqual({ width: 640, height: 480, fps: 25 });
    expect(parseProbeOutput(JSON.stringify({ streams: [] }))).toBeUndefined();
    expect(parseProbeOutput('not json')).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OutgoingMedia, type MediaLink } from '../../src/client/media-out.js';
import { createJpegEncoder, decodeJpeg } from '../../src/media/video/jpeg.js';
import { scaleRgba } from '../../src/media/video/scale.js';
import type { CapturedFrame, VideoSource } from '../../src/media/video/source.js';
import { drawPattern, hueOfName } from '../../src/media/video/pattern.js';

const photo = (name: string) => {
  const image = decodeJpeg(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
  const width = 160;
  const height = Math.round((image.height * width) / image.width / 2) * 2;
  return scaleRgba(image, width, height);
};

/** Sends `frames` frames of one picture through OutgoingMedia and returns what went on the wire. */
function send(frame: CapturedFrame, frames: number, videoBitsPerSecond?: number) {
  const payloads: Uint8Array[] = [];
  const selfFrames: CapturedFrame[] = [];
  const link: MediaLink = { joined: true, bufferedAmount: 0, sendMedia: (_kind, _codec, payload) => void payloads.push(payload) };
  let push: (frame: CapturedFrame) => void = () => {};
  // A stand-in for the camera (none on these machines): hands over the frames it is given.
  const video: VideoSource = { description: 'test camera', start: (onFrame) => void (push = onFrame), stop: async () => {} };
  const notices: string[] = [];
  const media = new OutgoingMedia(link, video, undefined, { onNotice: (m) => notices.push(m), onSelfFrame: (f) => selfFrames.push(f) }, {
    ...(videoBitsPerSecond ? { videoBitsPerSecond } : {}),
  });
  media.start('pcm');
  for (let i = 0; i < frames; i++) push({ ...frame, captureTs: i * 67 });
  return { payloads, selfFrames, notices, state: media.videoSendState };
}

const averageBytes = (payloads: Uint8Array[]): number => payloads.reduce((n, p) => n + p.length, 0) / payloads.length;

describe('OutgoingMedia video bitrate', () => {
  it('keeps a detailed camera picture within 240 kbit/s: three quarters of its size at a good quality, not full size in blocks', () => {
    const cat = photo('chelsea-200.jpg');
    const { payloads, state } = send({ type: 'rgba', ...cat, captureTs: 0 }, 90);
    expect(payloads).toHaveLength(90);
    // 240 kbit/s at 15 fps is 2,000 bytes a frame; what the last 3 s sent.
    expect(averageBytes(payloads.slice(45))).toBeLessThanOrEqual(2000);
    expect(state).toMatchObject({ bitrateKbps: 240, scale: 0.75 });
    expect(state.quality).toBeGreaterThanOrEqual(55);
    expect(decodeJpeg(payloads.at(-1)!).width).toBe(120);
  });

  it('gives the plain test pattern more quality than the detailed picture, and a higher bitrate more than the default', () => {
    const pattern = send({ type: 'rgba', width: 160, height: 120, data: drawPattern(160, 120, hueOfName('Grace'), 0), captureTs: 0 }, 90).state.quality;
    const cat = photo('chelsea-200.jpg');
    const detailed = send({ type: 'rgba', ...cat, captureTs: 0 }, 90).state.quality;
    const lan = send({ type: 'rgba', ...cat, captureTs: 0 }, 90, 600_000).state.quality;
    expect(pattern).toBeGreaterThan(detailed);
    expect(lan).toBeGreaterThan(detailed);
  });

  it("re-encodes a source's own JPEG (a camera's, ffmpeg's) at the quality the bitrate allows; the self view gets the picture", () => {
    const cat = photo('chelsea-200.jpg');
    const sourceJpeg = createJpegEncoder(95).encode(cat);
    const { payloads, selfFrames } = send({ type: 'jpeg', width: cat.width, height: cat.height, data: sourceJpeg, captureTs: 0 }, 60);
    expect(averageBytes(payloads.slice(30))).toBeLessThanOrEqual(2000);
    expect(payloads.at(-1)!.length).toBeLessThan(sourceJpeg.length / 2);
    expect(selfFrames.at(-1)).toMatchObject({ type: 'rgba', width: cat.width, height: cat.height });
  });

  it('says once that a broken camera frame was skipped, and goes on with the next good one', () => {
    const payloads: Uint8Array[] = [];
    const notices: string[] = [];
    const link: MediaLink = { joined: true, bufferedAmount: 0, sendMedia: (_k, _c, payload) => void payloads.push(payload) };
    let push: (frame: CapturedFrame) => void = () => {};
    const video: VideoSource = { description: 'test camera', start: (onFrame) => void (push = onFrame), stop: async () => {} };
    const media = new OutgoingMedia(link, video, undefined, { onNotice: (m) => notices.push(m) });
    media.start('pcm');
    const broken: CapturedFrame = { type: 'jpeg', width: 16, height: 16, data: new Uint8Array([0xff, 0xd8, 1, 2, 3]), captureTs: 0 };
    push(broken);
    push({ ...broken, data: new Uint8Array([0xff, 0xd8, 9]) });
    push({ type: 'rgba', width: 16, height: 16, data: new Uint8Array(16 * 16 * 4), captureTs: 67 });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/could not be read.*skipped/);
    expect(payloads).toHaveLength(1);
  });
});

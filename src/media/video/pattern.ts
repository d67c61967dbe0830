import { startPacer, type Pacer } from '../../util/pacer.js';
import { SYSTEM_CLOCK, type Clock } from '../../util/clock.js';
import type { CapturedFrame, VideoSource, VideoSourceOptions } from './source.js';

/**
 * A generated, animated test picture that works on any machine. Its colours derive from the participant's name,
 * so panes of different people are easy to tell apart: a diagonal gradient in the person's hue, colour bars along
 * the bottom, and a white disc moving on a circle (motion shows the stream is live, and exercises diffing).
 */
export function createPatternSource(options: VideoSourceOptions, seed: { name: string }, clock: Clock = SYSTEM_CLOCK): VideoSource {
  const { width, height, fps } = options;
  const hue = hueOfName(seed.name);
  let pacer: Pacer | undefined;
  return {
    description: `pattern ${width}×${height} at ${fps} fps`,
    start(onFrame) {
      pacer = startPacer(1000 / fps, (tick) => {
        onFrame({ type: 'rgba', width, height, data: drawPattern(width, height, hue, tick / fps), captureTs: clock.wallMs() } satisfies CapturedFrame);
      });
    },
    async stop() {
      pacer?.stop();
    },
  };
}

/** A stable hue in [0, 360) from a name (FNV-1a), so the same person always gets the same colour. */
export function hueOfName(name: string): number {
  let hash = 0x811c9dc5;
  for (const ch of name) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 360;
}

const BARS: ReadonlyArray<readonly [number, number, number]> = [
  [235, 235, 235], [235, 235, 16], [16, 235, 235], [16, 235, 16], [235, 16, 235], [235, 16, 16], [16, 16, 235],
];

/** Draws one frame at time `t` seconds. Pure. */
export function drawPattern(width: number, height: number, hue: number, t: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  const [r0, g0, b0] = hsvToRgb(hue, 0.75, 0.95);
  const [r1, g1, b1] = hsvToRgb((hue + 40) % 360, 0.9, 0.25);
  const barTop = Math.floor(height * 0.8);
  const cx = width / 2 + Math.cos(t * 1.7) * width * 0.28;
  const cy = barTop / 2 + Math.sin(t * 1.7) * barTop * 0.28;
  const radius = Math.max(2, Math.min(width, height) * 0.12);
  const r2 = radius * radius;
  const span = width + barTop;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      let r: number, g: number, b: number;
      if (y >= barTop) {
        [r, g, b] = BARS[Math.min(BARS.length - 1, Math.floor((x / width) * BARS.length))]!;
      } else if ((x - cx) ** 2 + (y - cy) ** 2 <= r2) {
        r = g = b = 250;
      } else {
        const mix = (x + y) / span;
        r = r0 + (r1 - r0) * mix;
        g = g0 + (g1 - g0) * mix;
        b = b0 + (b1 - b0) * mix;
      }
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  return data;
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const c = v * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = v - c;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

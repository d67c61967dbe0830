/**
 * Turns a frame into the pixel grid of a pane: `cols` × `2·rows` pixels (two per cell, for half blocks), the frame
 * scaled into it with its aspect kept and centred, black bars around it, optionally mirrored.
 */
import { assertRgbaImage, type RgbaImage } from './image.js';
import { fitInside, scaleRgba } from './scale.js';

/** Where the picture landed inside the pixel grid (the rest is letterbox). */
export interface GridRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Computes the picture's place in a pane of `cols`×`rows` cells. `cellAspect` is a cell's height over its width
 * (about 2 in most fonts), so a half-block pixel is square when it is 2.
 */
export function gridRegion(frameWidth: number, frameHeight: number, cols: number, rows: number, cellAspect = 2): GridRegion {
  const gridH = rows * 2;
  const fit = fitInside(frameWidth, frameHeight, { width: cols, height: gridH }, 2 / cellAspect);
  let { height } = fit;
  // An even height at an even offset keeps the picture's edges on cell boundaries: no half-black cells.
  if (height % 2 === 1 && height < gridH) height += 1;
  let y = (gridH - height) >> 1;
  if (y % 2 === 1) y -= 1;
  return { x: (cols - fit.width) >> 1, y, width: fit.width, height };
}

/** Reusable sampler; keep one per pane so its buffers are recycled across frames. */
export class GridSampler {
  /** RGB, 3 bytes per pixel, `cols` × `2·rows` pixels, row after row. */
  grid: Uint8Array = new Uint8Array(0);
  region: GridRegion = { x: 0, y: 0, width: 0, height: 0 };
  private scratch: Uint8Array = new Uint8Array(0);

  /**
   * Samples `frame` into the grid of a `cols`×`rows` pane and returns the grid.
   * @throws ImageInvalidError for a malformed frame.
   */
  sample(frame: RgbaImage, cols: number, rows: number, mirror: boolean, cellAspect = 2): Uint8Array {
    assertRgbaImage(frame, 'video frame');
    const gw = cols;
    const gh = rows * 2;
    if (this.grid.length !== gw * gh * 3) this.grid = new Uint8Array(gw * gh * 3);
    const grid = this.grid;
    const region = gridRegion(frame.width, frame.height, cols, rows, cellAspect);
    this.region = region;
    if (this.scratch.length < region.width * region.height * 4) this.scratch = new Uint8Array(region.width * region.height * 4);
    const scaled = scaleRgba(frame, region.width, region.height, this.scratch).data;
    this.scratch = scaled;
    grid.fill(0);
    for (let y = 0; y < region.height; y++) {
      const gy = region.y + y;
      if (gy < 0 || gy >= gh) continue;
      let o = (gy * gw + region.x) * 3;
      const rowStart = y * region.width * 4;
      for (let x = 0; x < region.width; x++, o += 3) {
        const i = rowStart + (mirror ? region.width - 1 - x : x) * 4;
        grid[o] = scaled[i] ?? 0;
        grid[o + 1] = scaled[i + 1] ?? 0;
        grid[o + 2] = scaled[i + 2] ?? 0;
      }
    }
    return grid;
  }
}

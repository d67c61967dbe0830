/**
 * Turns a frame into the pixel grid of a pane: `across·cols` × `down·rows` pixels (the cell shape of the symbol set:
 * 1×2 per cell for half blocks), the frame scaled into it with its aspect kept and centred, black bars around it,
 * optionally mirrored.
 */
import { cellShape, type CellShape } from './cell-symbols.js';
import { assertRgbaImage, type RgbaImage } from './image.js';
import { fitInside, scaleRgba } from './scale.js';

const HALF_BLOCKS = cellShape('half');

/** Where the picture landed inside the pixel grid (the rest is letterbox). */
export interface GridRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Computes the picture's place, in pixels, in a pane of `cols`×`rows` cells of `shape`. `cellAspect` is a cell's
 * height over its width (about 2 in most fonts), so a half-block pixel is square when it is 2.
 */
export function gridRegion(
  frameWidth: number,
  frameHeight: number,
  cols: number,
  rows: number,
  cellAspect = 2,
  shape: CellShape = HALF_BLOCKS,
): GridRegion {
  const { across, down } = shape;
  const gridW = cols * across;
  const gridH = rows * down;
  // A pixel is 1/across of a cell wide and cellAspect/down of a cell's width tall.
  const fit = fitInside(frameWidth, frameHeight, { width: gridW, height: gridH }, down / (across * cellAspect));
  // Whole cells at whole-cell offsets keep the picture's edges on cell boundaries: no cells half black.
  const width = Math.min(gridW, roundUp(fit.width, across));
  const height = Math.min(gridH, roundUp(fit.height, down));
  return { x: roundDown((gridW - width) / 2, across), y: roundDown((gridH - height) / 2, down), width, height };
}

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}

function roundDown(n: number, step: number): number {
  return Math.floor(n / step) * step;
}

/** Reusable sampler; keep one per pane so its buffers are recycled across frames. */
export class GridSampler {
  /** RGB, 3 bytes per pixel, `across·cols` × `down·rows` pixels, row after row. */
  grid: Uint8Array = new Uint8Array(0);
  region: GridRegion = { x: 0, y: 0, width: 0, height: 0 };
  private scratch: Uint8Array = new Uint8Array(0);

  /**
   * Samples `frame` into the grid of a `cols`×`rows` pane of cells of `shape` and returns the grid.
   * @throws ImageInvalidError for a malformed frame.
   */
  sample(frame: RgbaImage, cols: number, rows: number, mirror: boolean, cellAspect = 2, shape: CellShape = HALF_BLOCKS): Uint8Array {
    assertRgbaImage(frame, 'video frame');
    const gw = cols * shape.across;
    const gh = rows * shape.down;
    if (this.grid.length !== gw * gh * 3) this.grid = new Uint8Array(gw * gh * 3);
    const grid = this.grid;
    const region = gridRegion(frame.width, frame.height, cols, rows, cellAspect, shape);
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

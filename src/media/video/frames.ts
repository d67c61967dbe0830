/**
 * Glue between sources and the renderer: the picture of a captured frame, RGBA as is or a source's JPEG decoded
 * (at most once per frame, and only for frames that will be shown or sent: client/media-out.ts).
 */
import { decodeJpeg, type JpegDecodeOptions } from './jpeg.js';
import type { RgbaImage } from './image.js';
import type { CapturedFrame } from './source.js';

/**
 * The picture of `frame` for the renderer (the self view): RGBA as is, JPEG decoded with the given limits.
 * @throws JpegInvalidError or JpegTooLargeError for a JPEG frame that cannot be decoded.
 */
export function rgbaForFrame(frame: CapturedFrame, limits?: Partial<JpegDecodeOptions>): RgbaImage {
  return frame.type === 'rgba' ? frame : decodeJpeg(frame.data, limits);
}

/**
 * Glue between sources, the wire and the renderer: JPEG for sending (passed through when the source already gave
 * JPEG), RGBA for showing (decoded at most once per frame, and only for frames that will be shown).
 */
import { decodeJpeg, type JpegDecodeOptions, type JpegEncoder } from './jpeg.js';
import type { RgbaImage } from './image.js';
import type { CapturedFrame } from './source.js';

/** The JPEG bytes to send for `frame`: a source's own JPEG untouched, an RGBA picture encoded with `encoder`. */
export function jpegForFrame(frame: CapturedFrame, encoder: JpegEncoder): Uint8Array {
  return frame.type === 'jpeg' ? frame.data : encoder.encode(frame);
}

/**
 * The picture of `frame` for the renderer (the self view): RGBA as is, JPEG decoded with the given limits.
 * @throws JpegInvalidError or JpegTooLargeError for a JPEG frame that cannot be decoded.
 */
export function rgbaForFrame(frame: CapturedFrame, limits?: Partial<JpegDecodeOptions>): RgbaImage {
  return frame.type === 'rgba' ? frame : decodeJpeg(frame.data, limits);
}

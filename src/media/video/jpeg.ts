/**
 * JPEG in and out. Encoding uses our reusable baseline encoder (jpeg-encoder.ts); decoding uses jpeg-js with hard
 * limits, because received frames come from the network and must never crash or exhaust the process.
 */
import jpegJs from 'jpeg-js';
import { JpegInvalidError, JpegTooLargeError } from './errors.js';
import type { RgbaImage } from './image.js';

export { createJpegEncoder, DEFAULT_JPEG_QUALITY, type JpegEncoder } from './jpeg-encoder.js';

/** Limits applied before and during decoding. */
export interface JpegDecodeOptions {
  /** Largest accepted picture, in pixels. Default 4 MP (enough for 1080p and every camera preview size). */
  maxPixels: number;
  /** Memory jpeg-js may allocate for one decode, in MiB. Default 64. */
  maxMemoryMiB: number;
}

export const DEFAULT_JPEG_DECODE_OPTIONS: JpegDecodeOptions = { maxPixels: 4_000_000, maxMemoryMiB: 64 };

/** What a JPEG's frame header (SOF) says, read without decoding. */
export interface JpegInfo {
  width: number;
  height: number;
  /** Number of colour components: 1 (grey) or 3 (YCbCr) in practice. */
  components: number;
  /** True for baseline and extended sequential Huffman pictures (SOF0, SOF1): what every decoder reads. */
  baseline: boolean;
}

/**
 * Reads the picture size from the JPEG headers, walking marker segments up to the first SOF.
 * Returns `undefined` when the bytes are not a JPEG or end before the SOF segment; never throws.
 */
export function readJpegInfo(bytes: Uint8Array): JpegInfo | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1] ?? 0;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const len = ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0);
    if (len < 2) return undefined;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 10 > bytes.length) return undefined;
      const height = ((bytes[i + 5] ?? 0) << 8) | (bytes[i + 6] ?? 0);
      const width = ((bytes[i + 7] ?? 0) << 8) | (bytes[i + 8] ?? 0);
      return { width, height, components: bytes[i + 9] ?? 0, baseline: marker === 0xc0 || marker === 0xc1 };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan or end before any frame header
    i += 2 + len;
  }
  return undefined;
}

/**
 * Decodes a JPEG to RGBA. The size is checked against `maxPixels` from the headers before any pixel memory is
 * allocated, and jpeg-js enforces the same limits while decoding.
 * @throws JpegInvalidError for anything that is not a decodable JPEG (garbage, truncated headers, bad tables).
 * @throws JpegTooLargeError when the picture or its decoding memory exceeds the limits.
 */
export function decodeJpeg(bytes: Uint8Array, options: Partial<JpegDecodeOptions> = {}): RgbaImage {
  const { maxPixels, maxMemoryMiB } = { ...DEFAULT_JPEG_DECODE_OPTIONS, ...options };
  const info = readJpegInfo(bytes);
  if (!info) throw new JpegInvalidError(`Not a JPEG picture (${bytes.length} bytes without a frame header).`);
  if (info.width < 1 || info.height < 1) {
    throw new JpegInvalidError(`JPEG declares an empty picture ${info.width}×${info.height}.`);
  }
  if (info.width * info.height > maxPixels) {
    throw new JpegTooLargeError(`JPEG of ${info.width}×${info.height} exceeds the ${maxPixels}-pixel limit.`);
  }
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpegJs.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      // A frame cut short on the wire still shows what arrived rather than nothing.
      tolerantDecoding: true,
      maxResolutionInMP: maxPixels / 1_000_000,
      maxMemoryUsageInMB: maxMemoryMiB,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/maxResolutionInMP|maxMemoryUsageInMB|allocate enough memory/.test(message)) {
      throw new JpegTooLargeError(`JPEG exceeds the decoding limits: ${message}.`, { cause: err });
    }
    throw new JpegInvalidError(`JPEG could not be decoded: ${message}.`, { cause: err });
  }
  if (decoded.width < 1 || decoded.height < 1 || decoded.data.length < decoded.width * decoded.height * 4) {
    throw new JpegInvalidError('JPEG decoded to an empty picture.');
  }
  return { width: decoded.width, height: decoded.height, data: decoded.data };
}

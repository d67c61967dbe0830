/**
 * The EXIF orientation of a JPEG (pure). Phones store a photo as the sensor saw it and say in EXIF tag 0x0112 how
 * to turn it upright; viewers apply it, and a still sent as a camera must too, or a portrait photo arrives sideways.
 * (ffmpeg applies it when it decodes; a JPEG sent as it is must be upright already.)
 */

/** EXIF orientations 1–8 (1 = upright as stored). */
export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const ORIENTATION_TAG = 0x0112;

/** The orientation a JPEG's EXIF block declares; 1 when it has none or it cannot be read. Never throws. */
export function jpegOrientation(bytes: Uint8Array): ExifOrientation {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return 1;
  let i = 2;
  // Marker segments up to the first scan; EXIF is an APP1 segment near the start.
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1]!;
    if (marker === 0xda || marker === 0xd9) return 1;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (length < 2) return 1;
    if (marker === 0xe1 && isExifHeader(bytes, i + 4)) return orientationInTiff(bytes.subarray(i + 10, i + 2 + length));
    i += 2 + length;
  }
  return 1;
}

function isExifHeader(bytes: Uint8Array, at: number): boolean {
  // "Exif\0\0"
  return bytes[at] === 0x45 && bytes[at + 1] === 0x78 && bytes[at + 2] === 0x69 && bytes[at + 3] === 0x66 && bytes[at + 4] === 0 && bytes[at + 5] === 0;
}

/** Tag 0x0112 of IFD0 in a TIFF structure (EXIF's body); 1 when absent or out of range. */
function orientationInTiff(tiff: Uint8Array): ExifOrientation {
  if (tiff.length < 8) return 1;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49; // "II"; "MM" is big-endian
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return 1;
  const entries = view.getUint16(ifd, little);
  for (let k = 0; k < entries; k++) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > tiff.length) return 1;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    const value = view.getUint16(entry + 8, little); // SHORT, stored in the first two bytes of the value field
    return value >= 1 && value <= 8 ? (value as ExifOrientation) : 1;
  }
  return 1;
}

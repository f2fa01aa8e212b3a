import sharp from 'sharp';
import type { CitizenPhoto } from '../../lib/records/citizen-reports.ts';

// A citizen's photo is accepted only if sharp (libvips) decodes it as one of the raster formats a phone
// makes: its name and declared type are ignored. It is then re-encoded to a fresh JPEG: turned upright
// by its EXIF orientation, at most 1600 px on its long side, and with every metadata block (EXIF with
// its GPS position, XMP, ICC, IPTC) left behind, since sharp writes none unless asked (keepMetadata).

/** Decoded bytes of a photo, at most (the base64 text is about 4/3 of it). */
export const PHOTO_MAX_BYTES = 3 * 1024 * 1024;
export const PHOTO_MAX_SIDE = 1600;
// A decompression bomb (a small PNG of 50,000 x 50,000 pixels) is refused before it is decoded.
const MAX_INPUT_PIXELS = 40_000_000;
// SVG is text that libvips renders and TIFF/RAW are not what phones send: both are refused.
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'heif']);

export type PhotoOutcome =
  | { ok: true; photo: CitizenPhoto }
  | { ok: false; reason: 'too_large' | 'not_an_image' | 'bad_encoding' };

/** The photo as sent (base64, or a data: URL of base64), decoded, checked and re-encoded. */
export async function acceptPhoto(text: string, maxBytes = PHOTO_MAX_BYTES): Promise<PhotoOutcome> {
  const base64 = text.replace(/^data:[a-z0-9.+/-]*;base64,/i, '').replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1)
    return { ok: false, reason: 'bad_encoding' };
  if ((base64.length * 3) / 4 > maxBytes + 2) return { ok: false, reason: 'too_large' };
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) return { ok: false, reason: 'not_an_image' };
  if (bytes.length > maxBytes) return { ok: false, reason: 'too_large' };
  try {
    const source = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', animated: false });
    const meta = await source.metadata();
    if (!meta.format || !ACCEPTED.has(meta.format)) return { ok: false, reason: 'not_an_image' };
    const { data, info } = await source
      .rotate()
      .resize({ width: PHOTO_MAX_SIDE, height: PHOTO_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { ok: true, photo: { jpeg: new Uint8Array(data), width: info.width, height: info.height } };
  } catch {
    // libvips could not decode it (not an image, truncated, over the pixel limit): not a photo we keep.
    return { ok: false, reason: 'not_an_image' };
  }
}

import sharp from 'sharp';
import type { MediaType } from './content-check.ts';

/**
 * A photo can say where and when it was taken and with which phone (EXIF, GPS, XMP). Re-encoding
 * with sharp keeps none of it (sharp writes no metadata unless asked); `.rotate()` first turns
 * the pixels the way EXIF said, so the photo still stands upright without its orientation tag.
 * The whole image is decoded in memory: the byte limit on documents bounds the file, and the
 * pixel limit bounds what it decodes to (50 megapixels ≈ 200 MB), so a small "pixel bomb" cannot
 * take the server down.
 */
export const MAX_PHOTO_PIXELS = 50_000_000;

export async function stripPhotoMetadata(bytes: Uint8Array, type: Extract<MediaType, 'image/jpeg' | 'image/png' | 'image/webp'>): Promise<Uint8Array | null> {
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error' }).rotate();
    const encoded =
      type === 'image/jpeg' ? image.jpeg({ quality: 92 }) : type === 'image/png' ? image.png() : image.webp({ quality: 92 });
    return new Uint8Array(await encoded.toBuffer());
  } catch {
    return null; // not a photo sharp can read: refused rather than stored with its metadata
  }
}

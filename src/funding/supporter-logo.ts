import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { IncomingFile } from '../files/upload.ts';
import { checkFileName, detectType, nameFits } from '../files/content-check.ts';
import { touchCampaign } from './save-campaign.ts';

/**
 * A supporter's logo, shown on the public home page from our own origin. Only PNG and JPEG are
 * taken, decided by content (the file's signature, then the image's own header), never by name:
 * SVG is refused, as it can carry script, and so is anything else dressed up as an image. What is
 * kept is the image decoded and encoded again by sharp, scaled down to the size a logo is shown
 * at: no metadata, and no bytes of the upload that are not the picture.
 */
export const LOGO_MAX_BYTES = 512 * 1024;
/** Larger than any logo needs; a bigger header is refused before anything is decoded. */
export const LOGO_MAX_SIDE = 4096;
/** What is kept: at most this box, never enlarged. */
const SHOWN = { width: 480, height: 240 };

export const LOGO_REFUSALS = ['form', 'name', 'type', 'mismatch', 'size', 'empty', 'image', 'dimensions'] as const;
export type LogoRefusal = (typeof LOGO_REFUSALS)[number];

type LogoType = 'image/png' | 'image/jpeg';
export type Logo = { bytes: Uint8Array; type: LogoType; width: number; height: number; tag: string };

async function whole(file: IncomingFile): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  for await (const piece of file.bytes) pieces.push(piece);
  return Buffer.concat(pieces);
}

/** The upload checked and made into the logo to keep, or why it was refused. */
export async function checkLogo(file: IncomingFile): Promise<Logo | { refused: LogoRefusal }> {
  // The name is checked first: a path ("../../x.png") or hidden characters are refused unread.
  const name = checkFileName(file.name);
  if (!name) return { refused: 'name' };
  const bytes = await whole(file);
  if (file.tooLarge()) return { refused: 'size' };
  if (bytes.length === 0) return { refused: 'empty' };
  const detected = await detectType(bytes);
  if (detected !== 'image/png' && detected !== 'image/jpeg') return { refused: 'type' };
  if (!nameFits(name, detected)) return { refused: 'mismatch' };
  try {
    const image = sharp(bytes, { failOn: 'error', limitInputPixels: LOGO_MAX_SIDE * LOGO_MAX_SIDE });
    // The header's own word on format and size, read before any pixel is decoded.
    const header = await image.metadata();
    if (header.format !== (detected === 'image/png' ? 'png' : 'jpeg')) return { refused: 'type' };
    if (!header.width || !header.height || header.width > LOGO_MAX_SIDE || header.height > LOGO_MAX_SIDE) return { refused: 'dimensions' };
    const resized = image.rotate().resize({ ...SHOWN, fit: 'inside', withoutEnlargement: true });
    const encoded = detected === 'image/png' ? resized.png({ compressionLevel: 9 }) : resized.jpeg({ quality: 85, mozjpeg: true });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    if (data.length > LOGO_MAX_BYTES) return { refused: 'size' };
    const tag = createHash('sha256').update(data).digest('base64url').slice(0, 22);
    return { bytes: new Uint8Array(data), type: detected, width: info.width, height: info.height, tag };
  } catch {
    return { refused: 'image' }; // a header that lies or pixels that do not decode
  }
}

/** Keeps a checked logo for a supporter; false when there is no such supporter. */
export async function setSupporterLogo(db: Db, editorId: string, supporterId: string, logo: Logo): Promise<boolean> {
  return db.transaction(async (tx) => {
    await touchCampaign(tx);
    const changed = await tx.query(
      `update campaign_supporters set logo = $2, logo_type = $3, logo_width = $4, logo_height = $5, logo_tag = $6, updated_at = now()
        where id = $1 returning id`,
      [supporterId, logo.bytes, logo.type, logo.width, logo.height, logo.tag],
    );
    if (changed.length === 0) return false;
    await appendAudit(tx, editorId, { kind: 'campaign.supporter_saved', supporterId, change: 'logo_set' });
    return true;
  });
}

export async function removeSupporterLogo(db: Db, editorId: string, supporterId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await touchCampaign(tx);
    const changed = await tx.query(
      `update campaign_supporters set logo = null, logo_type = null, logo_width = null, logo_height = null, logo_tag = null, updated_at = now()
        where id = $1 returning id`,
      [supporterId],
    );
    if (changed.length === 0) return false;
    await appendAudit(tx, editorId, { kind: 'campaign.supporter_saved', supporterId, change: 'logo_removed' });
    return true;
  });
}

/** A logo to serve to the public, or null (no such supporter, or no logo). */
export async function readSupporterLogo(db: Db, supporterId: string): Promise<{ bytes: Uint8Array; type: LogoType; tag: string } | null> {
  const [row] = await db.query<{ logo: Uint8Array; logo_type: LogoType; logo_tag: string }>(
    'select logo, logo_type, logo_tag from campaign_supporters where id = $1 and logo is not null',
    [supporterId],
  );
  return row ? { bytes: row.logo, type: row.logo_type, tag: row.logo_tag } : null;
}

/** Whether a supporter exists: asked before an upload's body is read, so a wrong address reads nothing. */
export async function supporterExists(db: Db, supporterId: string): Promise<boolean> {
  return (await db.query('select 1 from campaign_supporters where id = $1', [supporterId])).length > 0;
}

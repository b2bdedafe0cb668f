import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { openWithPassphrase, sealWithPassphrase } from '../crypto/passphrase-box.ts';
import { randomBytes } from '../crypto/tokens.ts';
import { parseContents, type BackupContents } from './backup-contents.ts';
import { CommandError } from './errors.ts';

/**
 * The backup file: MAGIC ‖ salt ‖ XChaCha20-Poly1305(gzip(JSON)), the key derived from a passphrase
 * with argon2id and the salt. Changing any byte after the magic makes decryption fail.
 */
const MAGIC = new TextEncoder().encode('BESIDE-BACKUP-1\n');
export const MIN_PASSPHRASE = 12;

export async function sealBackup(contents: BackupContents, passphrase: string): Promise<Uint8Array> {
  if (passphrase.length < MIN_PASSPHRASE) throw new CommandError(`A backup passphrase has at least ${MIN_PASSPHRASE} characters.`);
  const packed = await promisify(gzip)(JSON.stringify(contents));
  return Buffer.concat([MAGIC, await sealWithPassphrase(passphrase, packed)]);
}

export async function openBackup(file: Uint8Array, passphrase: string): Promise<BackupContents> {
  const magic = file.subarray(0, MAGIC.length);
  if (magic.length !== MAGIC.length || !magic.every((byte, index) => byte === MAGIC[index])) {
    throw new CommandError('This file is not a Beside backup (or is from a version this Beside cannot read).');
  }
  let packed: Uint8Array;
  try {
    packed = await openWithPassphrase(passphrase, file.subarray(MAGIC.length));
  } catch {
    throw new CommandError('Cannot decrypt the backup: the passphrase is wrong, or the file is damaged or was altered.');
  }
  return parseContents(JSON.parse((await promisify(gunzip)(packed)).toString('utf8')));
}

/** Writes the file readable by its owner only, whole or not at all: a temporary file, synced, then renamed. */
export async function writePrivateFile(path: string, bytes: Uint8Array): Promise<void> {
  const folder = dirname(resolve(path));
  const temporary = join(folder, `.${basename(path)}.${Buffer.from(randomBytes(6)).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const directory = await open(folder, 'r');
  await directory
    .sync()
    .catch(() => undefined)
    .finally(() => directory.close());
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** Thrown when a sealed value cannot be opened: wrong key, wrong job, or tampered data. */
export class SealedValueError extends Error {}

/**
 * Seals destination credentials with AES-256-GCM. The job id is bound as additional authenticated data, so a
 * sealed value copied onto another job does not open. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url parts).
 * Rotation: values are always sealed with `key`; `previousKeys` (CREDENTIALS_KEY_PREVIOUS) still open the values of
 * jobs sealed before the rotation, until those jobs have ended.
 */
export class CredentialCipher {
  private readonly key: Buffer;
  private readonly openingKeys: Buffer[];

  constructor(key: string, previousKeys: string[] = []) {
    this.key = parseKey(key);
    this.openingKeys = [this.key, ...previousKeys.map(parseKey)];
  }

  seal(plaintext: string, jobId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(jobId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string, jobId: string): string {
    return this.openWith(this.openingKeys, sealed, jobId);
  }

  /** Whether `sealed` opens with the current key itself: what only a previous key opens is to be sealed again. */
  isSealedWithCurrentKey(sealed: string, jobId: string): boolean {
    try {
      this.openWith([this.key], sealed, jobId);
      return true;
    } catch {
      return false;
    }
  }

  private openWith(keys: Buffer[], sealed: string, jobId: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined)
      throw new SealedValueError('not a sealed value');
    for (const key of keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(jobId));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        // not this key: try the next one
      }
    }
    throw new SealedValueError('sealed value does not open with this key for this job');
  }
}

/** A 32-byte key as 64 hex characters or 44 base64 characters. */
export function parseKey(key: string): Buffer {
  const bytes = /^[0-9a-fA-F]{64}$/.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');
  if (bytes.length !== 32) throw new Error('CREDENTIALS_KEY must be 32 bytes, as 64 hex or 44 base64 characters');
  return bytes;
}

/** CREDENTIALS_KEY_PREVIOUS: comma-separated keys, none when empty. */
export function parseKeyList(keys: string): string[] {
  return keys
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
}

export function isValidKey(key: string): boolean {
  try {
    parseKey(key);
    return true;
  } catch {
    return false;
  }
}

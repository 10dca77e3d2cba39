import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DbError } from './errors';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/** A 32-byte key: raw bytes, or the base64 value from configuration. */
export type SecretKey = string | Uint8Array;

/**
 * Encrypts `plain` (e.g. a cluster's admin SASL password) with AES-256-GCM under a fresh
 * random IV. The blob is text, `v1.<iv>.<tag>.<ciphertext>` in base64url, so it fits a
 * TEXT column, and the version leaves room for another algorithm or key later.
 */
export function encryptSecret(plain: string, key: SecretKey): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, toKey(key), iv, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.');
}

/** Decrypts a blob from encryptSecret; a wrong key or a tampered blob throws. */
export function decryptSecret(blob: string, key: SecretKey): string {
  const [version, iv, tag, ciphertext, ...rest] = blob.split('.');
  if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
    throw new DbError('SECRET_DECRYPT_FAILED', `not a ${VERSION} secret blob`);
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, toKey(key), Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    if (error instanceof DbError) throw error;
    throw new DbError('SECRET_DECRYPT_FAILED', 'secret blob does not decrypt with this key (wrong key or tampered blob)', {
      cause: error,
    });
  }
}

/**
 * Decodes and checks a key from configuration (`openssl rand -base64 32` makes one).
 * Apps call it once at start so a bad key stops the process there, not at first use.
 */
export function parseSecretKey(base64: string): Buffer {
  const trimmed = base64.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Buffer.from ignores what is not base64; re-encoding catches a mangled value.
  if (key.length !== KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new DbError('INVALID_SECRET_KEY', `the secret key must be ${KEY_BYTES} bytes in base64 (got ${key.length} bytes)`);
  }
  return key;
}

function toKey(key: SecretKey): Buffer {
  if (typeof key === 'string') return parseSecretKey(key);
  if (key.length !== KEY_BYTES) {
    throw new DbError('INVALID_SECRET_KEY', `the secret key must be ${KEY_BYTES} bytes (got ${key.length})`);
  }
  return Buffer.from(key);
}

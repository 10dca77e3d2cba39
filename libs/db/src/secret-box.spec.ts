import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DbError } from './errors';
import { decryptSecret, encryptSecret, parseSecretKey } from './secret-box';

const key = randomBytes(32);
const keyBase64 = key.toString('base64');

describe('encryptSecret / decryptSecret', () => {
  it('round-trips any string, with the key as bytes or as base64', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (plain) => {
        expect(decryptSecret(encryptSecret(plain, key), key)).toBe(plain);
        expect(decryptSecret(encryptSecret(plain, keyBase64), key)).toBe(plain);
      }),
    );
  });

  it('never stores the plain text and uses a fresh IV each time', () => {
    const first = encryptSecret('admin-secret', key);
    const second = encryptSecret('admin-secret', key);
    expect(first).not.toContain('admin-secret');
    expect(first).not.toBe(second);
    expect(first).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('rejects another key', () => {
    const blob = encryptSecret('admin-secret', key);
    expect(() => decryptSecret(blob, randomBytes(32))).toThrowError(
      expect.objectContaining({ code: 'SECRET_DECRYPT_FAILED' }),
    );
  });

  it('rejects a tampered ciphertext or tag', () => {
    const [version, iv, tag, ciphertext] = encryptSecret('admin-secret', key).split('.') as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64url');
    };
    expect(() => decryptSecret([version, iv, tag, flip(ciphertext)].join('.'), key)).toThrow(DbError);
    expect(() => decryptSecret([version, iv, flip(tag), ciphertext].join('.'), key)).toThrow(DbError);
  });

  it('rejects what is not a v1 blob', () => {
    for (const blob of ['', 'plain-password', 'v2.a.b.c', 'v1.a.b', 'v1.a.b.c.d']) {
      expect(() => decryptSecret(blob, key)).toThrowError(expect.objectContaining({ code: 'SECRET_DECRYPT_FAILED' }));
    }
  });
});

describe('parseSecretKey', () => {
  it('accepts 32 bytes of base64, with surrounding whitespace', () => {
    expect(parseSecretKey(`${keyBase64}\n`).equals(key)).toBe(true);
  });

  it('rejects keys of the wrong length or not base64', () => {
    for (const value of ['', randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), `${keyBase64.slice(0, -4)}!!!!`]) {
      expect(() => parseSecretKey(value)).toThrowError(expect.objectContaining({ code: 'INVALID_SECRET_KEY' }));
    }
  });

  it('rejects a raw key of the wrong length', () => {
    expect(() => encryptSecret('x', randomBytes(31))).toThrowError(expect.objectContaining({ code: 'INVALID_SECRET_KEY' }));
  });
});

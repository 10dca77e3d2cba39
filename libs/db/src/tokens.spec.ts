import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, newToken, tokenDisplayPrefix } from './tokens';

describe('newToken', () => {
  it('is the prefix and 256 random bits in base64url', () => {
    const token = newToken('ctk');
    expect(token).toMatch(/^ctk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newToken('ctk')));
    expect(tokens.size).toBe(1000);
  });

  it('rejects prefixes that would make the visible part ambiguous', () => {
    for (const prefix of ['', 'a', 'has_underscore', 'Upper', '1abc', 'waytoolongprefixxx']) {
      expect(() => newToken(prefix)).toThrowError(expect.objectContaining({ code: 'INVALID_TOKEN_PREFIX' }));
    }
  });
});

describe('hashToken', () => {
  it('is the sha256 of the token in hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = newToken('cop');
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashToken(token)).not.toBe(hashToken(newToken('cop')));
  });
});

describe('tokenDisplayPrefix', () => {
  it('keeps the prefix and six random characters, even when they contain "_"', () => {
    expect(tokenDisplayPrefix('ctk_a_b-cdefghijk')).toBe('ctk_a_b-cd');
    const token = newToken('ctk');
    expect(token.startsWith(tokenDisplayPrefix(token))).toBe(true);
    expect(tokenDisplayPrefix(token)).toHaveLength(10);
  });

  it('is empty for something that is not a token', () => {
    expect(tokenDisplayPrefix('garbage')).toBe('');
  });
});

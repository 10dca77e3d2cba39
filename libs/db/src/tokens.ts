import { createHash, randomBytes } from 'node:crypto';
import { DbError } from './errors';

const TOKEN_RANDOM_BYTES = 32;
const DISPLAY_RANDOM_CHARS = 6;
const TOKEN_PREFIX = /^[a-z][a-z0-9]{1,15}$/;

/**
 * A new bearer token, `<prefix>_<43 base64url characters>` (256 random bits). The prefix
 * says what the token is (say `ctk` for tenants) and has no `_`, which is how
 * tokenDisplayPrefix finds the end of it.
 */
export function newToken(prefix: string): string {
  if (!TOKEN_PREFIX.test(prefix)) {
    throw new DbError('INVALID_TOKEN_PREFIX', `token prefix ${JSON.stringify(prefix)} must match ${TOKEN_PREFIX}`);
  }
  return `${prefix}_${randomBytes(TOKEN_RANDOM_BYTES).toString('base64url')}`;
}

/**
 * The sha256 of a token, in hex: what is stored and looked up. A plain hash is enough
 * because tokens are random and long, so there is nothing to guess or precompute.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The start of a token kept in clear (`ctk_Ab3dE9`) so people can tell tokens apart. */
export function tokenDisplayPrefix(token: string): string {
  const separator = token.indexOf('_');
  return separator < 0 ? '' : token.slice(0, separator + 1 + DISPLAY_RANDOM_CHARS);
}

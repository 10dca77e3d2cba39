import { randomBytes } from 'node:crypto';

/** Lower-case letters and digits without look-alikes (no 0/o, 1/l/i). */
const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const KEY_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function randomText(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** `lkc-7f3k2q`: the logical cluster's id, topic prefix stem and SCRAM service principal. */
export function newLogicalClusterId(): string {
  return `lkc-${randomText(ID_ALPHABET, 6)}`;
}

export const LOGICAL_CLUSTER_ID = /^lkc-[a-z0-9]{6}$/;

/** The prefix of every topic, group and transactional id of the logical cluster. */
export function topicPrefixFor(logicalClusterId: string): string {
  return `${logicalClusterId}.`;
}

/**
 * An API key: a SCRAM user named `<lkc-id>-<12 characters>`, so broker-side listings of
 * users, ACLs and quotas say which logical cluster a user belongs to.
 */
export function newApiKey(logicalClusterId: string): string {
  return `${logicalClusterId}-${randomText(KEY_ALPHABET, 12)}`;
}

export const API_KEY = /^lkc-[a-z0-9]{6}-[A-Z0-9]{12}$/;

/** A SCRAM password: 256 random bits, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

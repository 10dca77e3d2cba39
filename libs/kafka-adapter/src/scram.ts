import { pbkdf2Sync, randomBytes } from 'node:crypto';

/** SCRAM-SHA-512's Hi(): PBKDF2-HMAC-SHA-512 over the password (RFC 5802 §2.2). */
export function scramSha512Credential(password: string, iterations = 8192): { salt: Buffer; saltedPassword: Buffer; iterations: number } {
  const salt = randomBytes(32);
  return { salt, iterations, saltedPassword: pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 64, 'sha512') };
}

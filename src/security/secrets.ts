/**
 * Link secrets (host keys, moderator secrets): 256 random bits from the OS CSPRNG, base64url, carried
 * only in URL fragments. The server keeps only their SHA-256: for secrets this random, a fast hash is
 * enough (no dictionary to try), unlike passwords, which people choose and which get scrypt.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_BYTES = 32;

export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const presented = hashSecret(secret);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}

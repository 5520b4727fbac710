/**
 * Logs carry only a short, one-way tag of an id: enough to follow one participant or meeting through
 * the log, useless for joining a meeting (ids are 128-bit; the tag is 24 bits of a salted hash whose
 * salt is random per process and never written anywhere).
 */
import { createHash, randomBytes } from 'node:crypto';

const salt = randomBytes(16);

export function logTag(id: string): string {
  return createHash('sha256').update(salt).update(id).digest('base64url').slice(0, 4);
}

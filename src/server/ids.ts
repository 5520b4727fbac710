import { randomBytes } from 'node:crypto';

/** A random id of `bytes` bytes (default 128 bits) from the OS CSPRNG, base64url-encoded. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

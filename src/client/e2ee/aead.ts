/**
 * AES-256-GCM with a random 96-bit IV and length-prefixed associated data: used for wrapping sender
 * keys (pairwise) and for chat and other payloads (sender data keys). Frames use frame-crypto.ts,
 * whose IVs come from a counter instead.
 */
import { fields, randomBytes, type Bytes } from './encoding.js';

export interface Sealed {
  iv: Bytes;
  /** Ciphertext followed by the 16-byte tag. */
  sealed: Bytes;
}

export async function seal(key: CryptoKey, plaintext: Bytes, context: string[], iv: Bytes = randomBytes(12)): Promise<Sealed> {
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: fields(...context), tagLength: 128 }, key, plaintext);
  return { iv, sealed: new Uint8Array(sealed) };
}

/** The plaintext, or null when it doesn't authenticate (wrong key, wrong context, tampered). */
export async function open(key: CryptoKey, box: Sealed, context: string[]): Promise<Bytes | null> {
  if (box.iv.length !== 12) return null;
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: box.iv, additionalData: fields(...context), tagLength: 128 }, key, box.sealed));
  } catch {
    return null;
  }
}

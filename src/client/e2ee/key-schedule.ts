/**
 * Confab's E2EE key schedule (version 1). Every key is derived with HKDF-SHA256 from one of two
 * roots, with a distinct `info` label per purpose, so no key is ever used for two things:
 *
 *   meeting secret S (32 random bytes, only in the link's fragment)
 *     auth key  = HKDF(S, salt = "confab e2ee v1" | meetingId, "auth")   HMAC-SHA256: hello MACs
 *     wrap salt = HKDF(S, same salt, "wrap")                              salt for pairwise keys
 *
 *   sender key K (32 random bytes per participant, identified by a key id)
 *     frame key  = HKDF(K, "", "frame")      AES-256-GCM for audio and video frames
 *     frame salt = HKDF(K, "", "frame salt") 12 bytes, XORed with the frame counter to make the IV
 *     data key   = HKDF(K, "", "data")       AES-256-GCM for chat and other payloads
 *     next K     = HKDF(K, "", "ratchet")    one step forward, when someone joins
 *
 * See docs/e2ee.md.
 */
import { fields, utf8, type Bytes } from './encoding.js';

export const E2EE_VERSION = 1;
const LABEL = 'confab e2ee v1';

export async function hkdf(ikm: Bytes, salt: Bytes, info: string, length: number): Promise<Bytes> {
  const base = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: utf8(`${LABEL} ${info}`) }, base, length * 8);
  return new Uint8Array(bits);
}

export interface MeetingKeys {
  /** HMAC-SHA256 key that proves a message came from someone holding the meeting secret. */
  auth: CryptoKey;
  /** Mixed into every pairwise key, so a key exchange also needs the meeting secret. */
  wrapSalt: Bytes;
}

export async function deriveMeetingKeys(secret: Bytes, meetingId: string): Promise<MeetingKeys> {
  const salt = fields(LABEL, meetingId);
  const authBytes = await hkdf(secret, salt, 'auth', 32);
  const auth = await crypto.subtle.importKey('raw', authBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  return { auth, wrapSalt: await hkdf(secret, salt, 'wrap', 32) };
}

/** What encrypts and decrypts one sender's frames under one key id. */
export interface FrameKey {
  key: CryptoKey;
  salt: Bytes;
}

const NO_SALT = new Uint8Array(0);

export async function deriveFrameKey(senderKey: Bytes): Promise<FrameKey> {
  const keyBytes = await hkdf(senderKey, NO_SALT, 'frame', 32);
  return {
    key: await crypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['encrypt', 'decrypt']),
    salt: await hkdf(senderKey, NO_SALT, 'frame salt', 12),
  };
}

export async function deriveDataKey(senderKey: Bytes): Promise<CryptoKey> {
  const keyBytes = await hkdf(senderKey, NO_SALT, 'data', 32);
  return crypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** One-way: whoever gets the ratcheted key can't compute the key before it. */
export function ratchetKey(senderKey: Bytes): Promise<Bytes> {
  return hkdf(senderKey, NO_SALT, 'ratchet', 32);
}

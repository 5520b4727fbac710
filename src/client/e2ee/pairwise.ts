/**
 * Identity keys and pairwise key wrapping.
 *
 * Each participant makes an X25519 key pair for its time in the meeting and announces the public
 * half in a `hello`, MACed with the meeting's auth key (so only link holders can announce keys, and
 * the MAC binds the key to the participant id and meeting). Sender keys then travel wrapped with
 * AES-256-GCM under a directional pairwise key:
 *
 *   pair key(A -> B) = HKDF(X25519(A, B), salt = wrap salt (from the meeting secret), "pair" | A | B)
 *
 * Associated data binds each wrapped key to the meeting, both participant ids and the key id.
 */
import { open, seal, type Sealed } from './aead.js';
import { fields, type Bytes } from './encoding.js';
import { hkdf, type MeetingKeys } from './key-schedule.js';

export const PUBLIC_KEY_BYTES = 32;

export interface Identity {
  privateKey: CryptoKey;
  /** Raw 32-byte X25519 public key. */
  publicKey: Bytes;
}

export async function generateIdentity(): Promise<Identity> {
  const pair = (await crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)) };
}

function helloData(meetingId: string, participantId: string, publicKey: Bytes): Bytes {
  return fields('confab e2ee v1 hello', meetingId, participantId, publicKey);
}

export async function signHello(keys: MeetingKeys, meetingId: string, participantId: string, publicKey: Bytes): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', keys.auth, helloData(meetingId, participantId, publicKey)));
}

/** Constant-time (WebCrypto's HMAC verify). */
export function verifyHello(keys: MeetingKeys, meetingId: string, participantId: string, publicKey: Bytes, mac: Bytes): Promise<boolean> {
  if (publicKey.length !== PUBLIC_KEY_BYTES) return Promise.resolve(false);
  return crypto.subtle.verify('HMAC', keys.auth, mac, helloData(meetingId, participantId, publicKey));
}

/** The AES-GCM key for wrapping from `from` to `to`. Throws on a low-order public key. */
export async function pairKey(own: CryptoKey, theirPublicKey: Bytes, keys: MeetingKeys, from: string, to: string): Promise<CryptoKey> {
  const theirs = await crypto.subtle.importKey('raw', theirPublicKey, { name: 'X25519' }, false, []);
  const shared = new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: theirs }, own, 256));
  if (shared.every((b) => b === 0)) throw new Error('low-order X25519 public key');
  const bytes = await hkdf(shared, keys.wrapSalt, `pair ${JSON.stringify([from, to])}`, 32);
  return crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

function wrapContext(meetingId: string, from: string, to: string, keyId: number): string[] {
  return ['confab e2ee v1 key', meetingId, from, to, String(keyId)];
}

export function wrapSenderKey(pair: CryptoKey, senderKey: Bytes, meetingId: string, from: string, to: string, keyId: number): Promise<Sealed> {
  return seal(pair, senderKey, wrapContext(meetingId, from, to, keyId));
}

export function unwrapSenderKey(pair: CryptoKey, box: Sealed, meetingId: string, from: string, to: string, keyId: number): Promise<Bytes | null> {
  return open(pair, box, wrapContext(meetingId, from, to, keyId));
}

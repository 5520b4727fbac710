/**
 * The encrypted frame format (version 1), applied to each encoded audio and video frame before
 * packetization, SFrame-style:
 *
 *   | clear header | AES-256-GCM ciphertext | GCM tag (16) | counter u32 | key id u32 | clear len u8 | 0xCE |
 *
 * - The clear header is the part the SFU and the receiving depacketizer need: for VP8 the 3-byte
 *   frame tag (keyframe bit, version, show_frame, first partition size), plus on keyframes the start
 *   code and dimensions (10 bytes); for Opus the TOC byte. (The VP8 payload descriptor is added by
 *   the packetizer after this transform, so it is in the clear anyway.)
 * - IV = frame salt XOR (8 zero bytes | counter). The counter counts this sender key's frames, so an
 *   IV never repeats under one key; a new key starts again at 0.
 * - Associated data = clear header | the 10 trailer bytes: the SFU can read them but not change them.
 */
import type { FrameKey } from './key-schedule.js';
import type { Bytes } from './encoding.js';

export const FRAME_MAGIC = 0xce;
export const TAG_BYTES = 16;
export const TRAILER_BYTES = 10;
export const MAX_COUNTER = 0xffff_ffff;

/** The most bytes any frame leaves in the clear (a VP8 keyframe's header). */
export const MAX_CLEAR_BYTES = 10;

/** Bytes left in the clear at the start of a frame. */
export function clearHeaderBytes(kind: 'audio' | 'video', keyFrame: boolean): number {
  if (kind === 'audio') return 1;
  return keyFrame ? 10 : 3;
}

export interface Trailer {
  counter: number;
  keyId: number;
  clearBytes: number;
}

export function frameIv(salt: Bytes, counter: number): Bytes {
  const iv = new Uint8Array(salt);
  const view = new DataView(iv.buffer);
  view.setUint32(8, view.getUint32(8) ^ counter);
  return iv;
}

function writeTrailer(out: Bytes, at: number, t: Trailer): void {
  const view = new DataView(out.buffer, out.byteOffset);
  view.setUint32(at, t.counter);
  view.setUint32(at + 4, t.keyId);
  out[at + 8] = t.clearBytes;
  out[at + 9] = FRAME_MAGIC;
}

/** The trailer of an encrypted frame, or null when the bytes can't be one. */
export function readTrailer(frame: Uint8Array): Trailer | null {
  if (frame.length < TRAILER_BYTES + TAG_BYTES || frame[frame.length - 1] !== FRAME_MAGIC) return null;
  const at = frame.length - TRAILER_BYTES;
  const view = new DataView(frame.buffer, frame.byteOffset);
  const t = { counter: view.getUint32(at), keyId: view.getUint32(at + 4), clearBytes: frame[at + 8] ?? 0 };
  return t.clearBytes <= MAX_CLEAR_BYTES && frame.length >= TRAILER_BYTES + TAG_BYTES + t.clearBytes ? t : null;
}

export async function encryptFrame(fk: FrameKey, keyId: number, counter: number, frame: Bytes, clearBytes: number): Promise<Bytes> {
  const clear = Math.min(clearBytes, frame.length);
  const trailer = { counter, keyId, clearBytes: clear };
  const aad = new Uint8Array(clear + TRAILER_BYTES);
  aad.set(frame.subarray(0, clear));
  writeTrailer(aad, clear, trailer);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv: frameIv(fk.salt, counter), additionalData: aad, tagLength: 128 }, fk.key, frame.subarray(clear)),
  );
  const out = new Uint8Array(clear + sealed.length + TRAILER_BYTES);
  out.set(frame.subarray(0, clear));
  out.set(sealed, clear);
  writeTrailer(out, clear + sealed.length, trailer);
  return out;
}

/** The plaintext frame, or null when it doesn't authenticate under this key. */
export async function decryptFrame(fk: FrameKey, frame: Bytes, trailer: Trailer): Promise<Bytes | null> {
  const clear = trailer.clearBytes;
  const end = frame.length - TRAILER_BYTES;
  const aad = new Uint8Array(clear + TRAILER_BYTES);
  aad.set(frame.subarray(0, clear));
  aad.set(frame.subarray(end), clear);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: frameIv(fk.salt, trailer.counter), additionalData: aad, tagLength: 128 },
      fk.key,
      frame.subarray(clear, end),
    );
    const out = new Uint8Array(clear + plain.byteLength);
    out.set(frame.subarray(0, clear));
    out.set(new Uint8Array(plain), clear);
    return out;
  } catch {
    return null;
  }
}

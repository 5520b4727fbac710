/**
 * This browser's device token: 32 random bytes, base64url, made once and kept in localStorage, sent
 * with every join so that a denied or banned guest is recognised when knocking again. Without
 * storage, a fresh token per page load (still valid, just not remembered).
 */
import { LinkSecret } from '../protocol/messages.js';
import { randomBytes, toBase64Url } from './e2ee/encoding.js';
import { load, save } from './storage.js';

let memo: string | null = null;

export function newDeviceToken(): string {
  return toBase64Url(randomBytes(32));
}

export function deviceToken(): string {
  if (memo) return memo;
  const stored = load('deviceToken');
  if (stored && LinkSecret.safeParse(stored).success) memo = stored;
  else {
    memo = newDeviceToken();
    save('deviceToken', memo);
  }
  return memo;
}

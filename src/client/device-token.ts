/**
 * This browser's device token: 32 random bytes, base64url, made once and kept in localStorage, sent
 * with every join so that a denied or banned guest is recognised when knocking again. Without
 * storage, a fresh token per page load (still valid, just not remembered).
 */
import { LinkSecret } from '../protocol/messages.js';
import { load, save } from './storage.js';

let memo: string | null = null;

export function newDeviceToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
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

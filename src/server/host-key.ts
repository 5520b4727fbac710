/**
 * The instance host key: whoever holds it may create meetings. Created on first start; only its hash
 * is stored. The key itself is shown once, inside a host link whose fragment carries it.
 */
import { FRAGMENT_HOST_KEY } from '../protocol/messages.js';
import { hashSecret, newSecret, secretMatches } from '../security/secrets.js';
import type { SettingsStore } from '../store/settings-store.js';

const SETTING = 'host_key_hash';

/** Creates the key if there is none yet; returns it then (to show once), otherwise undefined. */
export function ensureHostKey(settings: SettingsStore): string | undefined {
  if (settings.get(SETTING)) return undefined;
  return rotateHostKey(settings);
}

/** Replaces the key (the old host link stops working) and returns the new one. */
export function rotateHostKey(settings: SettingsStore): string {
  const key = newSecret();
  settings.set(SETTING, hashSecret(key));
  return key;
}

export function hostKeyMatches(settings: SettingsStore, key: string): boolean {
  const hash = settings.get(SETTING);
  return hash !== undefined && secretMatches(key, hash);
}

export function hostLink(baseUrl: string, key: string): string {
  return `${baseUrl.replace(/\/$/, '')}/#${FRAGMENT_HOST_KEY}=${key}`;
}

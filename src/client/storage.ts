/**
 * Tiny localStorage wrapper: storage can be disabled or full (private modes, strict settings),
 * and the app must work anyway, just without remembering.
 */
const PREFIX = 'confab.';

export type StoredKey = 'name' | 'language' | 'deviceToken' | 'device.audioinput' | 'device.videoinput' | 'device.audiooutput';

export function load(key: StoredKey): string | null {
  try {
    return localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

export function save(key: StoredKey, value: string): void {
  try {
    localStorage.setItem(PREFIX + key, value);
  } catch {
    /* not remembered; fine */
  }
}

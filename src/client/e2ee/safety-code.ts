/**
 * A participant's safety code: 16 digits from a hash of its public key and the meeting id. Everyone
 * shows their own code and sees the others' codes as their browser received the keys; when two
 * people read the same digits for the same person (by phone, or in the call), no one substituted a
 * key between them.
 */
import { fields, type Bytes } from './encoding.js';

export async function safetyCode(meetingId: string, publicKey: Bytes): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', fields('confab e2ee v1 safety code', meetingId, publicKey)));
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    // 24 bits per 4-digit group keeps the modulo bias below 0.1 %.
    const n = ((hash[g * 3] ?? 0) << 16) | ((hash[g * 3 + 1] ?? 0) << 8) | (hash[g * 3 + 2] ?? 0);
    groups.push(String(n % 10_000).padStart(4, '0'));
  }
  return groups.join(' ');
}

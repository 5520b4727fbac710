/** Reconnection policy: how often, how long to wait, and which server errors are final. */
import type { ErrorCode } from '../../protocol/messages.js';

export const MAX_RECONNECT_ATTEMPTS = 5;
/** A join that has not reached `connected` by then counts as failed. */
export const CONNECT_TIMEOUT_MS = 15_000;
/** How long a `disconnected` PeerConnection may take to recover by itself. */
export const DISCONNECTED_GRACE_MS = 5_000;

/** Back-off before attempt `attempt` (1-based): 1, 2, 4, 8, 10 s, ±20 % jitter. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Errors after which trying the same join again cannot help (or, for `rate-limited`, makes it
 * worse): the meeting is gone or the link wrong, full, locked, needs a password, or we are throttled.
 */
const FINAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['meeting-not-found', 'meeting-full', 'meeting-locked', 'password-required', 'rate-limited']);

export function isFinalError(code: ErrorCode): boolean {
  return FINAL.has(code);
}

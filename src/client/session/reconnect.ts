/** Reconnection policy: how often, how long to wait, and which server errors are final. */
import type { ErrorCode } from '../../protocol/messages.js';

/** A first join (no `welcome` yet) is tried this often. */
export const MAX_RECONNECT_ATTEMPTS = 5;
/** A join that has not reached `connected` by then counts as failed. */
export const CONNECT_TIMEOUT_MS = 15_000;
/** How long a `disconnected` PeerConnection may take to recover by itself. */
export const DISCONNECTED_GRACE_MS = 5_000;
/**
 * A call that lost its connection tries to `resume` for this long (the server's default grace
 * period), then shows that it was disconnected, with a Rejoin button.
 */
export const RESUME_WINDOW_MS = 30_000;
/** After `restart-ice`, the new PeerConnection must connect within this, or the signaling is renewed too. */
export const MEDIA_RESTART_TIMEOUT_MS = 10_000;

/** Doubling from `firstMs` up to `maxMs`, ±20 % jitter, for attempt `attempt` (1-based). */
function backoffMs(attempt: number, firstMs: number, maxMs: number, random: () => number): number {
  const base = Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Back-off before join attempt `attempt`: 1, 2, 4, 8, 10 s. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  return backoffMs(attempt, 1000, 10_000, random);
}

/** Back-off before resume attempt `attempt`: 0.5, 1, 2, 4, 4… s, so that the window sees several tries. */
export function resumeDelayMs(attempt: number, random: () => number = Math.random): number {
  return backoffMs(attempt, 500, 4000, random);
}

/**
 * Errors after which trying the same join again cannot help (or, for `rate-limited`, makes it
 * worse): the meeting is gone or the link wrong, full, locked, needs a password, or we are
 * throttled; or our place in the meeting is gone (`resume-failed`: only a new join helps).
 */
const FINAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['meeting-not-found', 'meeting-full', 'meeting-locked', 'password-required', 'rate-limited', 'resume-failed']);

export function isFinalError(code: ErrorCode): boolean {
  return FINAL.has(code);
}

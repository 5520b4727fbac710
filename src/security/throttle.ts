/**
 * Throttling of guessable inputs (host keys, meeting ids, secrets), per client and per target.
 * State lives in memory only, keyed by a salted hash of the client address (the salt is random per
 * process and never stored), and is never logged.
 *
 * Each key may fail `freeFailures` times; after that every further failure doubles a back-off,
 * from `baseDelayMs` up to `maxDelayMs`, during which all attempts are refused with "retry in N s".
 * Entries are forgotten once their back-off and a quiet period have passed.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface ThrottleOptions {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Forget a key this long after its last failure (and after its back-off ended). */
  forgetAfterMs: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class Throttle {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  check(key: string): ThrottleDecision {
    const entry = this.entries.get(key);
    const now = this.now();
    if (!entry || entry.blockedUntil <= now) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.ceil((entry.blockedUntil - now) / 1000) };
  }

  /** Record a failed attempt; returns the decision for the next attempt. */
  fail(key: string): ThrottleDecision {
    const now = this.now();
    this.prune(now);
    let entry = this.entries.get(key);
    // Old failures are forgiven: a typo an hour ago doesn't shorten today's free attempts.
    if (!entry || (entry.blockedUntil <= now && now - entry.lastFailure > this.options.forgetAfterMs)) {
      entry = { failures: 0, blockedUntil: 0, lastFailure: now };
    }
    entry.failures += 1;
    entry.lastFailure = now;
    const over = entry.failures - this.options.freeFailures;
    if (over > 0) {
      const delay = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (over - 1));
      entry.blockedUntil = now + delay;
    }
    this.entries.set(key, entry);
    return this.check(key);
  }

  /** A success clears the key (e.g. the right password after a typo). */
  succeed(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(now: number): void {
    if (this.entries.size < 1024) return;
    for (const [key, e] of this.entries) {
      if (e.blockedUntil <= now && now - e.lastFailure > this.options.forgetAfterMs) this.entries.delete(key);
    }
  }
}

/** Turns client addresses into throttle keys that can't be reversed to the address. */
export class ClientKeys {
  private readonly salt = randomBytes(16);

  of(address: string | undefined): string {
    return createHash('sha256').update(this.salt).update(address ?? 'unknown').digest('base64url').slice(0, 22);
  }
}

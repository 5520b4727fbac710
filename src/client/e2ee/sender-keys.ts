/**
 * The keys one remote sender has used, as a receiver holds them: explicit keys (unwrapped from a
 * `keys` message) and keys derived by ratcheting forward. When a participant joins, every sender
 * ratchets and starts using the next key id at once; receivers who were already there derive that
 * key themselves from the one before, on the first frame (or payload) that carries the new id.
 * A guess is kept only once something authenticated under it.
 */
import type { Bytes } from './encoding.js';
import { ratchetKey } from './key-schedule.js';

/** How far ahead of the newest known key a ratchet guess may go. */
export const MAX_RATCHET_STEPS = 4;
/** Older key ids are forgotten beyond this many. */
export const KEPT_KEYS = 8;

export interface KeyCandidate<T> {
  raw: Bytes;
  material: T;
}

export class SenderKeys<T> {
  private readonly keys = new Map<number, KeyCandidate<T>>();
  /** Key ids a ratchet guess failed for: don't derive again for every frame. */
  private readonly failed = new Set<number>();

  constructor(private readonly derive: (raw: Bytes) => Promise<T>) {}

  /** The key id of the newest key held, or -1. */
  get newest(): number {
    let newest = -1;
    for (const id of this.keys.keys()) newest = Math.max(newest, id);
    return newest;
  }

  async set(keyId: number, raw: Bytes): Promise<void> {
    this.store(keyId, { raw, material: await this.derive(raw) });
    this.failed.delete(keyId);
  }

  get(keyId: number): T | undefined {
    return this.keys.get(keyId)?.material;
  }

  /** The key `keyId` would be if it is a ratchet of the newest one held; undefined when not worth a try. */
  async ratchetGuess(keyId: number): Promise<KeyCandidate<T> | undefined> {
    const from = this.newest;
    const start = this.keys.get(from);
    if (!start || keyId <= from || keyId - from > MAX_RATCHET_STEPS || this.failed.has(keyId)) return undefined;
    let raw = start.raw;
    for (let id = from; id < keyId; id++) raw = await ratchetKey(raw);
    return { raw, material: await this.derive(raw) };
  }

  /** Something authenticated under the guess: keep it. */
  accept(keyId: number, candidate: KeyCandidate<T>): void {
    if (!this.keys.has(keyId)) this.store(keyId, candidate);
  }

  reject(keyId: number): void {
    this.failed.add(keyId);
  }

  private store(keyId: number, candidate: KeyCandidate<T>): void {
    this.keys.set(keyId, candidate);
    while (this.keys.size > KEPT_KEYS) this.keys.delete(Math.min(...this.keys.keys()));
  }
}

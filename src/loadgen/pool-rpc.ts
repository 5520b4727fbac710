/** The messages between the load run (main thread) and a worker thread hosting a ParticipantPool. */
import type { ParticipantPlan } from './participant.js';
import type { PoolStats } from './pool.js';

export type PoolCall = { op: 'join'; plan: ParticipantPlan } | { op: 'start-window' } | { op: 'stats' } | { op: 'close' };
export type PoolRequest = PoolCall & { id: number };
export type PoolReply = { id: number; ok: true; stats?: PoolStats } | { id: number; ok: false; error: string };
/** A worker's messages: first `ready` (its modules and samples are loaded), then replies. */
export type PoolMessage = PoolReply | { ready: true };

/** The run's view of a pool, in this thread or in a worker. */
export interface PoolHandle {
  join(plan: ParticipantPlan): Promise<void>;
  startWindow(): Promise<void>;
  stats(): Promise<PoolStats>;
  close(): Promise<void>;
}

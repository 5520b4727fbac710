/**
 * Where synthetic participants run: in worker threads (the default, so werift's per-packet work
 * is spread over the cores), or in this thread (`workers: 0`).
 */
import { Worker } from 'node:worker_threads';
import type { ParticipantPlan } from './participant.js';
import type { PoolCall, PoolHandle, PoolMessage, PoolReply, PoolRequest } from './pool-rpc.js';
import { ParticipantPool, type PoolStats } from './pool.js';

class WorkerPool implements PoolHandle {
  private readonly worker: Worker;
  private nextId = 1;
  private exited: Error | undefined;
  private readonly waiting = new Map<number, { resolve: (r: PoolReply) => void; reject: (e: Error) => void }>();
  /** Loading tsx, werift and the samples takes seconds; joins wait for it so they keep their spacing. */
  readonly ready: Promise<void>;

  constructor() {
    // The worker runs TypeScript like this process: register tsx's loader there, then load the entry.
    const entry = new URL('./pool-worker.ts', import.meta.url).href;
    this.worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (message: PoolMessage) => {
        if ('ready' in message) return resolve();
        this.waiting.get(message.id)?.resolve(message);
        this.waiting.delete(message.id);
      });
      this.worker.on('error', (err) => {
        reject(err);
        this.failAll(err);
      });
      this.worker.on('exit', (code) => {
        this.exited = new Error(`worker exited with ${code}`);
        reject(this.exited);
        this.failAll(this.exited);
      });
    });
  }

  async join(plan: ParticipantPlan): Promise<void> {
    await this.call({ op: 'join', plan });
  }

  async startWindow(): Promise<void> {
    await this.call({ op: 'start-window' });
  }

  async stats(): Promise<PoolStats> {
    const { stats } = await this.call({ op: 'stats' });
    if (!stats) throw new Error('worker sent no stats');
    return stats;
  }

  async close(): Promise<void> {
    try {
      await this.call({ op: 'close' });
    } finally {
      await this.worker.terminate();
    }
  }

  private async call(call: PoolCall): Promise<PoolReply & { ok: true }> {
    if (this.exited) throw this.exited;
    const id = this.nextId++;
    const reply = await new Promise<PoolReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...call, id } satisfies PoolRequest);
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

class LocalPool implements PoolHandle {
  private readonly pool = new ParticipantPool();

  join(plan: ParticipantPlan): Promise<void> {
    return this.pool.join(plan);
  }

  async startWindow(): Promise<void> {
    this.pool.startWindow();
  }

  async stats(): Promise<PoolStats> {
    return this.pool.stats();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The pools, once all are ready to take participants. */
export async function createPools(workers: number): Promise<PoolHandle[]> {
  if (workers === 0) return [new LocalPool()];
  const pools = Array.from({ length: workers }, () => new WorkerPool());
  try {
    await Promise.all(pools.map((p) => p.ready));
  } catch (err) {
    await Promise.allSettled(pools.map((p) => p.close()));
    throw err;
  }
  return pools;
}

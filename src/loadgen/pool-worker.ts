/** Entry of a worker thread: one ParticipantPool, driven by PoolRequests from the load run. */
import { parentPort } from 'node:worker_threads';
import { loadSamples } from './media-samples.js';
import type { PoolMessage, PoolReply, PoolRequest } from './pool-rpc.js';
import { ParticipantPool } from './pool.js';

const port = parentPort;
if (!port) throw new Error('pool-worker.ts runs only as a worker thread');
loadSamples();
const pool = new ParticipantPool();

port.on('message', (request: PoolRequest) => {
  void handle(request).then(
    (reply) => port.postMessage(reply),
    (err: unknown) => port.postMessage({ id: request.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies PoolReply),
  );
});
port.postMessage({ ready: true } satisfies PoolMessage);

async function handle(request: PoolRequest): Promise<PoolReply> {
  switch (request.op) {
    case 'join':
      await pool.join(request.plan);
      return { id: request.id, ok: true };
    case 'start-window':
      pool.startWindow();
      return { id: request.id, ok: true };
    case 'stats':
      return { id: request.id, ok: true, stats: pool.stats() };
    case 'close':
      await pool.close();
      return { id: request.id, ok: true };
  }
}

/**
 * The media plane's entry point: one Router per meeting. With `workers` > 0 the Routers run in that
 * many media worker processes (worker/pool.ts), a meeting on exactly one; with 0 they run in this
 * process, as unit tests may want.
 */
import type { RtcConfig } from '../server/config.js';
import type { Logger } from '../server/log.js';
import { forwardingStats } from './forwarding-stats.js';
import type { MediaRouter } from './media-router.js';
import { MediaTap } from './media-tap.js';
import { Router } from './router.js';
import type { ForwardingCounters } from './worker/protocol.js';
import { WorkerPool } from './worker/pool.js';

export interface MediaStats {
  /** Since the server started, over all workers, including those that are gone. */
  forwarding: ForwardingCounters;
  /** The live workers (none in-process). */
  workers: { index: number; pid: number; meetings: number; peers: number; cpuSeconds: number; rssBytes: number }[];
  /** Workers that died and were replaced. */
  workerRestarts: number;
}

export class MediaPlane {
  private readonly routers = new Map<string, MediaRouter>();
  /** In-process only: each worker has its own. */
  private readonly tap: MediaTap | undefined;
  private readonly pool: WorkerPool | undefined;

  /** `mediaTapFile`: testing aid, see media-tap.ts. */
  constructor(
    private readonly rtc: RtcConfig,
    options: { workers: number; log: Logger; mediaTapFile?: string | undefined },
  ) {
    if (options.workers > 0) this.pool = new WorkerPool({ workers: options.workers, rtc, mediaTapFile: options.mediaTapFile, log: options.log });
    else this.tap = options.mediaTapFile ? new MediaTap(options.mediaTapFile) : undefined;
  }

  /** Resolves once the workers serve; rejects if one fails to start. */
  async start(): Promise<void> {
    await this.pool?.start();
  }

  /** The meeting's Router, created on first use (on the least-loaded worker). */
  routerFor(meetingId: string): MediaRouter {
    let router = this.routers.get(meetingId);
    if (!router) this.routers.set(meetingId, (router = this.pool ? this.pool.createRouter() : new Router(this.rtc, this.tap)));
    return router;
  }

  existingRouter(meetingId: string): MediaRouter | undefined {
    return this.routers.get(meetingId);
  }

  async closeRouter(meetingId: string): Promise<void> {
    const router = this.routers.get(meetingId);
    this.routers.delete(meetingId);
    await router?.close();
  }

  get routerCount(): number {
    return this.routers.size;
  }

  /** PeerConnections across all meetings: people who receive or send media. */
  get peerCount(): number {
    let n = 0;
    for (const r of this.routers.values()) n += r.peerCount;
    return n;
  }

  async stats(): Promise<MediaStats> {
    return this.pool ? this.pool.stats() : { forwarding: { ...forwardingStats }, workers: [], workerRestarts: 0 };
  }

  async close(): Promise<void> {
    await Promise.all([...this.routers.keys()].map((id) => this.closeRouter(id)));
    await this.pool?.close();
    this.tap?.close();
  }
}

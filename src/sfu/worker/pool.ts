/**
 * The media worker processes: one Router per meeting, each meeting on exactly one worker, new
 * meetings on the least-loaded one. Each worker has its own share of the UDP port range. When a
 * worker dies, a new one takes its slot, and its meetings move at once, to the least-loaded worker
 * (normally that fresh one); their peers hear `lost` and are added again by their sessions (with a
 * new PeerConnection each).
 */
import type { RtcConfig } from '../../server/config.js';
import type { Logger } from '../../server/log.js';
import { forwardingStats } from '../forwarding-stats.js';
import type { MediaStats } from '../media-plane.js';
import { MediaWorker } from './media-worker.js';
import type { ForwardingCounters } from './protocol.js';
import { RemoteRouter, type RouterHost } from './remote-router.js';

/** A worker that died before it ever served (a broken start) is replaced only after this. */
const RESPAWN_AFTER_FAILED_START_MS = 2000;

export interface PoolOptions {
  workers: number;
  rtc: RtcConfig;
  mediaTapFile: string | undefined;
  log: Logger;
}

/** `rtc`'s port range cut into `n` contiguous ranges, one per worker, so that their sockets never collide. */
export function splitPortRange(rtc: RtcConfig, n: number): RtcConfig[] {
  const size = Math.floor((rtc.portMax - rtc.portMin + 1) / n);
  if (size < 2) throw new Error(`the UDP port range ${rtc.portMin}-${rtc.portMax} is too small for ${n} media workers`);
  return Array.from({ length: n }, (_, i) => ({
    ...rtc,
    portMin: rtc.portMin + i * size,
    portMax: i === n - 1 ? rtc.portMax : rtc.portMin + (i + 1) * size - 1,
  }));
}

/** Every counter at 0 (the keys are the SFU's own, so a new counter needs no change here). */
const zeroCounters = (): ForwardingCounters => Object.fromEntries(Object.keys(forwardingStats).map((k) => [k, 0])) as ForwardingCounters;

function addCounters(into: ForwardingCounters, from: ForwardingCounters | undefined): void {
  if (!from) return;
  for (const key of Object.keys(into) as (keyof ForwardingCounters)[]) into[key] += from[key];
}

export class WorkerPool implements RouterHost {
  private readonly slots: MediaWorker[];
  private readonly ranges: RtcConfig[];
  private readonly routers = new Map<number, RemoteRouter>();
  private routerIds = 0;
  private peerKeys = 0;
  /** Counters of workers that are gone, so that the totals never go down. */
  private readonly retired: ForwardingCounters = zeroCounters();
  private restarts = 0;
  private closing = false;
  private reading: Promise<MediaStats> | undefined;

  constructor(private readonly options: PoolOptions) {
    this.ranges = splitPortRange(options.rtc, options.workers);
    this.slots = this.ranges.map((_, i) => this.spawn(i));
  }

  /** Resolves once every worker serves calls; rejects if one fails to start. */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((w) => w.ready));
  }

  get workers(): readonly MediaWorker[] {
    return this.slots;
  }

  /** A Router for a new meeting, on the least-loaded worker. */
  createRouter(): RemoteRouter {
    const worker = this.leastLoaded();
    if (!worker) throw new Error('no media worker is running');
    const router = new RemoteRouter(++this.routerIds, worker, this);
    this.routers.set(router.id, router);
    return router;
  }

  /** Forwarding counters of all workers, past and present, and each worker's load. Concurrent readers share one reading. */
  stats(): Promise<MediaStats> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Stops the workers; their Routers should be closed first. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((w) => w.stop()));
  }

  nextPeerKey(): number {
    return ++this.peerKeys;
  }

  closed(router: RemoteRouter): void {
    this.routers.delete(router.id);
  }

  callFailed(err: unknown): void {
    this.options.log.error({ err }, 'media worker call failed');
  }

  private load(worker: MediaWorker): { meetings: number; peers: number } {
    let meetings = 0;
    let peers = 0;
    for (const r of this.routers.values()) {
      if (r.worker !== worker) continue;
      meetings++;
      peers += r.peerCount;
    }
    return { meetings, peers };
  }

  /**
   * The live worker with the fewest peers, then meetings, then one that already serves. A worker
   * still starting counts: the replacement of a crashed worker takes that worker's meetings, so
   * they don't pile onto the survivors' cores (calls wait until it serves).
   */
  private leastLoaded(): MediaWorker | undefined {
    const ranked = this.slots.filter((w) => w.alive).map((worker) => ({ worker, starting: worker.started ? 0 : 1, ...this.load(worker) }));
    ranked.sort((a, b) => a.peers - b.peers || a.meetings - b.meetings || a.starting - b.starting);
    return ranked[0]?.worker;
  }

  private spawn(index: number): MediaWorker {
    const worker: MediaWorker = new MediaWorker(
      { index, rtc: this.ranges[index]!, mediaTapFile: this.options.mediaTapFile, logLevel: this.options.log.level },
      {
        peerEvent: (event) => {
          const router = this.routers.get(event.routerId);
          if (router?.worker === worker) router.deliver(event);
        },
        exited: (code, signal) => this.crashed(worker, code, signal),
      },
    );
    worker.ready.then(() => this.options.log.info({ worker: index, pid: worker.pid }, 'media worker ready'), () => {});
    return worker;
  }

  private crashed(dead: MediaWorker, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closing) return;
    const { meetings, peers } = this.load(dead);
    const { index } = dead.settings;
    this.options.log.error({ worker: index, pid: dead.pid, code, signal, meetings, peers }, 'media worker crashed; moving its meetings to another worker');
    addCounters(this.retired, dead.lastStats?.forwarding);
    this.restarts++;
    if (dead.started) this.replace(dead);
    else setTimeout(() => this.replace(dead), RESPAWN_AFTER_FAILED_START_MS);
    this.moveFrom(dead); // with the replacement, or meanwhile to the others
  }

  private replace(dead: MediaWorker): void {
    if (this.closing) return;
    const { index } = dead.settings;
    this.slots[index] = this.spawn(index);
    this.moveFrom(dead); // meetings that found no live worker before
  }

  private moveFrom(dead: MediaWorker): void {
    for (const router of this.routers.values()) {
      if (router.worker !== dead) continue;
      const target = this.leastLoaded();
      if (!target) return;
      router.moveTo(target);
    }
  }

  private async read(): Promise<MediaStats> {
    await Promise.all(this.slots.map((w) => (w.alive ? w.stats() : undefined)));
    const forwarding = { ...this.retired };
    const workers: MediaStats['workers'] = [];
    for (const w of this.slots) {
      if (!w.alive) continue; // its counters are in `retired`
      addCounters(forwarding, w.lastStats?.forwarding);
      workers.push({ index: w.settings.index, pid: w.pid, ...this.load(w), cpuSeconds: w.lastStats?.cpuSeconds ?? 0, rssBytes: w.lastStats?.rssBytes ?? 0 });
    }
    return { forwarding, workers, workerRestarts: this.restarts };
  }
}

/**
 * What the server process and a media worker process say to each other over IPC. Only
 * signaling-rate traffic crosses it: calls into the worker's Routers, the peers' handler events
 * (offers, candidates, plans) coming back, and counters on request. Media never does.
 */
import type { RtcConfig } from '../../server/config.js';
import type { forwardingStats } from '../forwarding-stats.js';
import type { ForwardedMethod } from '../media-router.js';
import type { PeerHandlers, Router } from '../router.js';
import type { Reply, Request } from './rpc.js';

/** A worker's settings, given as its command-line argument (JSON). */
export interface WorkerSettings {
  /** The worker's slot in the pool, for logs and metrics. */
  index: number;
  /** With this worker's own share of the UDP port range. */
  rtc: RtcConfig;
  mediaTapFile: string | undefined;
  logLevel: string;
}

export type ForwardingCounters = typeof forwardingStats;

export interface WorkerStats {
  forwarding: ForwardingCounters;
  /** CPU time of the worker process (user + system). */
  cpuSeconds: number;
  rssBytes: number;
}

/** The Router calls that carry plain data take the Router's id first, then the Router's own arguments. */
type ForwardedCalls = {
  [K in ForwardedMethod]: (routerId: number, ...args: Parameters<Router[K]>) => ReturnType<Router[K]>;
};

export type WorkerApi = ForwardedCalls & {
  createRouter(routerId: number): void;
  closeRouter(routerId: number): Promise<void>;
  /** `peerKey` marks the events of this peer, so those of an earlier peer of the same participant can be told apart. */
  addPeer(routerId: number, participantId: string, peerKey: number): void;
  stats(): WorkerStats;
};

/** A call of one of a peer's handlers, made in the worker, for the server process to carry out. */
export type PeerEvent = {
  [K in keyof PeerHandlers]: { type: 'peer-event'; routerId: number; participantId: string; peerKey: number; handler: K; args: Parameters<PeerHandlers[K]> };
}[keyof PeerHandlers];

export type ServerToWorker = Request<WorkerApi>;
/** `ready` comes first, once the worker listens for requests. */
export type WorkerToServer = { type: 'ready' } | Reply | PeerEvent;

/**
 * A meeting's Router in a media worker, as the session sees it: the same calls as the Router, sent
 * to the worker in order; the peers' handlers stay in this process, fed by the worker's events.
 * When the worker dies, the pool moves the Router to another one (`moveTo`): it starts there empty,
 * and every peer hears `lost` so that the session adds it again.
 */
import type { MediaPeerHandlers, MediaRouter } from '../media-router.js';
import type { Router } from '../router.js';
import { WorkerGone, type MediaWorker } from './media-worker.js';
import type { PeerEvent, WorkerApi } from './protocol.js';

export interface RouterHost {
  /** A number no other peer of any Router has had. */
  nextPeerKey(): number;
  closed(router: RemoteRouter): void;
  /** A call nobody awaits failed for another reason than a dead worker. */
  callFailed(err: unknown): void;
}

export class RemoteRouter implements MediaRouter {
  private readonly peers = new Map<string, { key: number; handlers: MediaPeerHandlers }>();

  constructor(
    readonly id: number,
    private current: MediaWorker,
    private readonly host: RouterHost,
  ) {
    this.send('createRouter', id);
  }

  get worker(): MediaWorker {
    return this.current;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  addPeer(participantId: string, handlers: MediaPeerHandlers): void {
    if (this.peers.has(participantId)) throw new Error('peer exists');
    const key = this.host.nextPeerKey();
    this.peers.set(participantId, { key, handlers });
    this.send('addPeer', this.id, participantId, key);
  }

  async removePeer(participantId: string): Promise<void> {
    if (this.peers.delete(participantId)) await this.ask('removePeer', this.id, participantId);
  }

  setPaused(...args: Parameters<Router['setPaused']>): void {
    this.send('setPaused', this.id, ...args);
  }

  setScreenSharing(...args: Parameters<Router['setScreenSharing']>): void {
    this.send('setScreenSharing', this.id, ...args);
  }

  setView(...args: Parameters<Router['setView']>): void {
    this.send('setView', this.id, ...args);
  }

  setLastN(...args: Parameters<Router['setLastN']>): void {
    this.send('setLastN', this.id, ...args);
  }

  requestKeyframe(...args: Parameters<Router['requestKeyframe']>): void {
    this.send('requestKeyframe', this.id, ...args);
  }

  /** An answer that reached a dead worker counts as taken: the peer is being replaced anyway. */
  async handleAnswer(...args: Parameters<Router['handleAnswer']>): Promise<boolean> {
    return (await this.ask('handleAnswer', this.id, ...args)) ?? true;
  }

  async addRemoteCandidate(...args: Parameters<Router['addRemoteCandidate']>): Promise<void> {
    await this.ask('addRemoteCandidate', this.id, ...args);
  }

  async close(): Promise<void> {
    this.peers.clear();
    this.host.closed(this);
    await this.ask('closeRouter', this.id);
  }

  /** Hands a handler call from the worker to the peer it was made for, unless that peer is gone. */
  deliver(event: PeerEvent): void {
    const peer = this.peers.get(event.participantId);
    if (peer?.key !== event.peerKey) return;
    (peer.handlers[event.handler] as (...args: PeerEvent['args']) => void)(...event.args);
  }

  /** Our worker died: start over, without peers, on `worker`, and tell each peer. */
  moveTo(worker: MediaWorker): void {
    this.current = worker;
    const lost = [...this.peers.values()];
    this.peers.clear();
    this.send('createRouter', this.id);
    for (const peer of lost) peer.handlers.lost();
  }

  /** A call whose result matters; undefined if the worker died meanwhile. */
  private async ask<K extends keyof WorkerApi & string>(method: K, ...args: Parameters<WorkerApi[K]>): Promise<Awaited<ReturnType<WorkerApi[K]>> | undefined> {
    try {
      return await this.current.call(method, ...args);
    } catch (err) {
      if (err instanceof WorkerGone) return undefined;
      throw err;
    }
  }

  /** A call nobody waits for; it still runs in order with the others. */
  private send<K extends keyof WorkerApi & string>(method: K, ...args: Parameters<WorkerApi[K]>): void {
    this.ask(method, ...args).catch((err: unknown) => this.host.callFailed(err));
  }
}

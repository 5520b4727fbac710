/**
 * A media worker process (forked by MediaWorker): owns the Routers of the meetings placed on it,
 * with their transports, UDP sockets and the whole forwarding path, and serves the server's calls
 * over IPC. Its settings come as the first command-line argument (JSON, see WorkerSettings).
 */
import { createLogger } from '../../server/log.js';
import { forwardingStats } from '../forwarding-stats.js';
import { MediaTap } from '../media-tap.js';
import type { ForwardedMethod } from '../media-router.js';
import { Router, type PeerHandlers } from '../router.js';
import type { PeerEvent, ServerToWorker, WorkerApi, WorkerSettings, WorkerToServer } from './protocol.js';
import { serve } from './rpc.js';

const send = process.send?.bind(process);
if (!send) throw new Error('entry.ts runs only as a media worker process, forked with IPC');
const settings = JSON.parse(process.argv[2] ?? '') as WorkerSettings;
const log = createLogger(settings.logLevel).child({ worker: settings.index });
const tap = settings.mediaTapFile ? new MediaTap(settings.mediaTapFile) : undefined;
const routers = new Map<number, Router>();

const post = (message: WorkerToServer): void => {
  // The channel closes only when the server disconnects or dies, and 'disconnect' then ends this process.
  if (process.connected) send(message);
};

function router(routerId: number): Router {
  const r = routers.get(routerId);
  if (!r) throw new Error(`no router ${routerId}`);
  return r;
}

/** A Router call with the Router's own arguments, after the Router's id. */
function forward<K extends ForwardedMethod>(method: K) {
  return (routerId: number, ...args: Parameters<Router[K]>): ReturnType<Router[K]> => {
    const r = router(routerId);
    return (r[method] as (this: Router, ...a: Parameters<Router[K]>) => ReturnType<Router[K]>).apply(r, args);
  };
}

const api: WorkerApi = {
  createRouter(routerId) {
    routers.set(routerId, new Router(settings.rtc, tap));
  },
  async closeRouter(routerId) {
    const r = routers.get(routerId);
    routers.delete(routerId);
    await r?.close();
  },
  addPeer(routerId, participantId, peerKey) {
    const emit = <K extends keyof PeerHandlers>(handler: K) =>
      (...args: Parameters<PeerHandlers[K]>) => post({ type: 'peer-event', routerId, participantId, peerKey, handler, args } as PeerEvent);
    router(routerId).addPeer(participantId, {
      offer: emit('offer'),
      candidate: emit('candidate'),
      failed: emit('failed'),
      publishLayers: emit('publishLayers'),
      forwarding: emit('forwarding'),
    });
  },
  setPaused: forward('setPaused'),
  setScreenSharing: forward('setScreenSharing'),
  handleAnswer: forward('handleAnswer'),
  addRemoteCandidate: forward('addRemoteCandidate'),
  removePeer: forward('removePeer'),
  setView: forward('setView'),
  setLastN: forward('setLastN'),
  requestKeyframe: forward('requestKeyframe'),
  stats() {
    const cpu = process.cpuUsage();
    return { forwarding: { ...forwardingStats }, cpuSeconds: (cpu.user + cpu.system) / 1e6, rssBytes: process.memoryUsage.rss() };
  },
};

process.on('message', (request: ServerToWorker) => {
  void serve(api, request).then(post);
});
// The server owns this process's lifetime: it ends when the server disconnects (or dies). A
// terminal's Ctrl-C or a service manager's SIGTERM reaches the whole process group; the server
// then shuts its workers down in order, and meanwhile they must not look as if they had crashed.
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('uncaughtException', (err) => {
  log.fatal({ err }, 'media worker failed');
  process.exit(70);
});
post({ type: 'ready' });

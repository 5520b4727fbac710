/**
 * A meeting's Router as the signaling side sees it: the in-process Router itself, or a proxy for a
 * Router in a media worker process (worker/remote-router.ts). Both take the same calls; the proxy
 * passes them on over IPC, so everything but `addPeer` carries plain data.
 */
import type { PeerHandlers, Router } from './router.js';

/** Router methods whose arguments are plain data: the proxy forwards them unchanged. */
export type ForwardedMethod = 'setPaused' | 'setScreenSharing' | 'handleAnswer' | 'addRemoteCandidate' | 'removePeer' | 'setView' | 'setLastN' | 'requestKeyframe';

export interface MediaPeerHandlers extends PeerHandlers {
  /**
   * The media worker that carried this peer died: the meeting's media now runs on another worker,
   * without this peer. Add it again (the client needs a new PeerConnection). Never called in-process.
   */
  lost(): void;
}

export type MediaRouter = Pick<Router, ForwardedMethod | 'peerCount' | 'close'> & {
  addPeer(participantId: string, handlers: MediaPeerHandlers): void;
};

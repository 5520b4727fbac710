/**
 * For automated browser tests: window.__confab exposes the connection state, our participant id,
 * the PeerConnection (for getStats), the latest `offer.tracks` (to map inbound-rtp mids to
 * participants) and the end-to-end encryption's state and frame counters. Nothing in the app
 * depends on it, and it shows nothing the page itself couldn't read: no key is exposed.
 */
import type { PeerView } from '../e2ee/key-exchange.js';
import type { FrameStats } from '../e2ee/worker-protocol.js';
import type { RemoteTrack } from '../../protocol/messages.js';
import type { CallSession } from './session.js';

export interface E2eeTestHook {
  readonly keyId: number | null;
  readonly safetyCode: string;
  readonly encrypting: boolean;
  readonly peers: Record<string, PeerView>;
  frameStats(): Promise<FrameStats>;
  /** Keep the first bytes of the next `count` outgoing plaintext frames (see FrameStats.samples). */
  sampleFrames(count: number): void;
}

export interface ConfabTestHook {
  readonly state: string | undefined;
  readonly participantId: string | null;
  readonly pc: RTCPeerConnection | null;
  readonly tracks: RemoteTrack[];
  readonly e2ee: E2eeTestHook | null;
}

export function installTestHook(currentSession: () => CallSession | null): void {
  const hook: ConfabTestHook = {
    get state() {
      return document.body.dataset.state;
    },
    get participantId() {
      return currentSession()?.participantId ?? null;
    },
    get pc() {
      return currentSession()?.pc ?? null;
    },
    get tracks() {
      return currentSession()?.tracks ?? [];
    },
    get e2ee() {
      const session = currentSession();
      const encryption = session?.encryption;
      if (!session || !encryption) return null;
      const peers: Record<string, PeerView> = {};
      for (const id of session.participants.keys()) {
        const view = encryption.peer(id);
        if (view) peers[id] = view;
      }
      return {
        keyId: encryption.keyId,
        safetyCode: encryption.safetyCode,
        encrypting: encryption.encrypting,
        peers,
        frameStats: () => encryption.frameStats(),
        sampleFrames: (count: number) => encryption.sampleFrames(count),
      };
    },
  };
  Object.defineProperty(window, '__confab', { value: hook, configurable: true });
}

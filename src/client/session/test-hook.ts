/**
 * For automated browser tests: window.__confab exposes the connection state, our participant id,
 * the PeerConnection (for getStats) and the latest `offer.tracks` (to map inbound-rtp mids to
 * participants). Read-only; nothing in the app depends on it.
 */
import type { RemoteTrack } from '../../protocol/messages.js';
import type { CallSession } from './session.js';

export interface ConfabTestHook {
  readonly state: string | undefined;
  readonly participantId: string | null;
  readonly pc: RTCPeerConnection | null;
  readonly tracks: RemoteTrack[];
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
  };
  Object.defineProperty(window, '__confab', { value: hook, configurable: true });
}

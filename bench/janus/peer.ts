/**
 * werift PeerConnections towards Janus, set up like the load generator's (same codecs and header
 * extensions; our side of ICE on 127.0.0.1 only), except that the SDP goes out once gathering is
 * complete (Janus takes candidates in the SDP; no trickle needed), and that Janus's candidate is
 * an address of this machine but not loopback (see config.ts).
 */
import { RTCPeerConnection, type RTCDtlsTransport, type RTCSessionDescription } from 'werift';
import { peerConfig } from '../../src/loadgen/peer.js';
import { loadAnswer } from '../../src/loadgen/sdp.js';
import { isLoopback } from '../../src/sfu/candidates.js';
import { localMediaAddress } from './config.js';

const CONNECT_TIMEOUT_MS = 15_000;

export function janusPeer(): RTCPeerConnection {
  const janusAddress = localMediaAddress();
  return new RTCPeerConnection(peerConfig((local, remote) => isLoopback(local) && remote === janusAddress));
}

/** Applies our offer or answer and returns its SDP with every (loopback) candidate in it. */
export async function completeLocalSdp(pc: RTCPeerConnection, description: RTCSessionDescription): Promise<string> {
  await pc.setLocalDescription(description);
  if (pc.iceGatheringState !== 'complete') await pc.iceGatheringStateChange.watch((state) => state === 'complete');
  return loadAnswer(pc.localDescription!.sdp, null); // the loopback filter, for offers as much as answers
}

/** Resolves with the DTLS transport once connected; rejects if ICE or DTLS fails or takes too long. */
export async function connected(pc: RTCPeerConnection): Promise<RTCDtlsTransport> {
  if (pc.connectionState !== 'connected') {
    const [state] = await pc.connectionStateChange.watch((s) => s === 'connected' || s === 'failed', CONNECT_TIMEOUT_MS);
    if (state !== 'connected') throw new Error(`PeerConnection ${state}`);
  }
  return pc.dtlsTransports[0]!;
}

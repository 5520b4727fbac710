/**
 * werift PeerConnections towards Janus, set up like the load generator's (same codecs and header
 * extensions; our side of ICE on 127.0.0.1 only), except that the SDP goes out once gathering is
 * complete (Janus takes candidates in the SDP; no trickle needed), and that Janus's candidate is
 * an address of this machine but not loopback (see config.ts).
 */
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RTCRtpHeaderExtensionParameters,
  type PeerConfig,
  type RTCDtlsTransport,
  type RTCSessionDescription,
} from 'werift';
import { loadAnswer, EXTENSION_URIS } from '../../src/loadgen/sdp.js';
import { isLoopback } from '../../src/sfu/candidates.js';
import { localMediaAddress } from './config.js';

const CONNECT_TIMEOUT_MS = 15_000;

export function janusPeer(): RTCPeerConnection {
  const janusAddress = localMediaAddress();
  const ext = (uri: string) => new RTCRtpHeaderExtensionParameters({ uri });
  const { mid, rid, transportCc, audioLevel } = EXTENSION_URIS;
  const config: Partial<PeerConfig> = {
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, rtcpFeedback: [{ type: 'transport-cc' }] })],
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90000,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'transport-cc' }],
        }),
        new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000 }),
      ],
    },
    headerExtensions: { audio: [ext(audioLevel), ext(mid), ext(transportCc)], video: [ext(mid), ext(rid), ext(transportCc)] },
    bundlePolicy: 'max-bundle',
    iceServers: [],
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceFilterCandidatePair: (pair) => isLoopback(pair.localCandidate.host) && pair.remoteCandidate.host === janusAddress,
  };
  return new RTCPeerConnection(config);
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

/**
 * What every SFU PeerConnection offers: Opus and VP8 (+RTX), NACK, PLI, transport-cc, and the
 * header extensions the forwarding needs. One fixed set means a publisher's payload types are the
 * subscribers' payload types, so forwarding never rewrites them.
 */
import {
  RTCRtpCodecParameters,
  RTCRtpHeaderExtensionParameters,
  type PeerConfig,
} from 'werift';
import type { RtcConfig } from '../server/config.js';
import { isLoopback } from './candidates.js';

export const TRANSPORT_CC_URI =
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
/** Names the simulcast layer (rid) of a camera packet. */
const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

/**
 * werift renumbers the extensions 1..n over the audio list, then the video list. Sharing one object
 * per URI makes its last number stick on every m-line, as BUNDLE requires: with audio
 * [audioLevel, mid, twcc] and video [mid, twcc, rid] that is audioLevel 1, mid 4, transport-cc 5,
 * rid 6. The transport checks these at start-up.
 */
export const EXTENSION_IDS = { audioLevel: 1, mid: 4, transportCc: 5, rid: 6 } as const;

export function headerExtensions(): PeerConfig['headerExtensions'] {
  const audioLevel = new RTCRtpHeaderExtensionParameters({ uri: AUDIO_LEVEL_URI });
  const mid = new RTCRtpHeaderExtensionParameters({ uri: MID_URI });
  const twcc = new RTCRtpHeaderExtensionParameters({ uri: TRANSPORT_CC_URI });
  const rid = new RTCRtpHeaderExtensionParameters({ uri: RID_URI });
  return { audio: [audioLevel, mid, twcc], video: [mid, twcc, rid] };
}

/** The codecs every Confab peer offers or answers with: the SFU, and the load generator's participants. */
export function codecs(): PeerConfig['codecs'] {
  return {
    audio: [
      new RTCRtpCodecParameters({
        mimeType: 'audio/opus',
        clockRate: 48000,
        channels: 2,
        parameters: 'minptime=10;useinbandfec=1',
        rtcpFeedback: [{ type: 'transport-cc' }],
      }),
    ],
    video: [
      new RTCRtpCodecParameters({
        mimeType: 'video/VP8',
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'transport-cc' }],
      }),
      new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000 }),
    ],
  };
}

export function peerConfig(rtc: RtcConfig): Partial<PeerConfig> {
  const loopback = rtc.listenIps.filter(isLoopback);
  const policyIps = new Set(rtc.listenIps);
  return {
    codecs: codecs(),
    headerExtensions: headerExtensions(),
    bundlePolicy: 'max-bundle',
    iceServers: rtc.stunServers.map((urls) => ({ urls })),
    icePortRange: [rtc.portMin, rtc.portMax],
    iceUseIpv4: true,
    iceUseIpv6: rtc.listenIps.some((ip) => ip.includes(':')),
    // werift skips loopback unless it is added explicitly.
    iceAdditionalHostAddresses: loopback.length > 0 ? loopback : undefined,
    // Only pair from an allowed local address, and never from loopback to a non-loopback peer.
    iceFilterCandidatePair:
      policyIps.size > 0
        ? (pair) => {
            const local = pair.localCandidate.host;
            const remote = pair.remoteCandidate.host;
            return policyIps.has(local) && isLoopback(local) === isLoopback(remote);
          }
        : undefined,
    debug: simulatedLoss(rtc.simulatedLossPercent),
  };
}

/**
 * werift's debug loss drops a packet when `value / 100 < Math.random()`, i.e. it keeps `value`
 * percent: a loss of L percent is configured as 100 - L. (Pinned werift version; the loss test
 * would show a change, since it checks retransmissions happen and video still decodes.)
 */
function simulatedLoss(percent: number): PeerConfig['debug'] {
  if (percent <= 0) return {};
  return { inboundPacketLoss: 100 - percent, outboundPacketLoss: 100 - percent };
}

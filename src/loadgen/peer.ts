/**
 * A synthetic participant's one PeerConnection to the SFU (werift; the server offers, we answer).
 * Offers are applied one at a time; the three publish m-lines are set to sendonly as a browser
 * does; only loopback candidates are used. Received media is handed on per m-line, and the
 * transport-wide congestion feedback for it is built here (werift's own is wrong, see docs/sfu.md),
 * because the SFU's downlink estimate depends on it.
 */
import { performance } from 'node:perf_hooks';
import {
  RTCPeerConnection,
  type PeerConfig,
  type RTCDtlsTransport,
  type RTCRtpSender,
  type RTCRtpTransceiver,
  type RtcpPacket,
  type RtpPacket,
} from 'werift';
import type { IceCandidate, OfferMessage, RemoteTrack } from '../protocol/messages.js';
import { isLoopback } from '../sfu/candidates.js';
import { codecs, headerExtensions } from '../sfu/media-config.js';
import { TransportFeedbackBuilder } from '../sfu/transport-feedback.js';
import { disableWeriftTwcc } from '../sfu/werift-patches.js';
import { randomSsrc, type ExtensionIds } from './rtp-sinks.js';
import { extensionIds, loadAnswer, mediaSection, simulcastRecvRids } from './sdp.js';
import './werift-client-patches.js';

export interface PeerHandlers {
  answer(sdp: string): void;
  candidate(candidate: IceCandidate): void;
  /** DTLS is up: media can be sent. Called once. */
  connected(dtls: RTCDtlsTransport): void;
  failed(reason: string): void;
  /** A video packet on a receiving m-line (RTX already unwrapped by werift). */
  video(mid: string, packet: RtpPacket): void;
  audio(mid: string): void;
  rtcp(packet: RtcpPacket): void;
}

/** How to send the camera, learned from the first offer. */
export interface CameraSetup {
  mid: string;
  /** Empty: the offer has no simulcast, send one encoding through werift's sender. */
  rids: string[];
  payloadType: number;
  ids: ExtensionIds;
  sender: RTCRtpSender;
}

export interface MicrophoneSetup {
  ids: ExtensionIds;
  sender: RTCRtpSender;
}

/**
 * What a synthetic participant supports; the server's offer picks from it. `pairAllowed` decides
 * which ICE candidate pairs it may use (default: loopback only, whatever a server announces).
 */
export function peerConfig(
  pairAllowed: (local: string, remote: string) => boolean = (local, remote) => isLoopback(local) && isLoopback(remote),
): Partial<PeerConfig> {
  return {
    // The SFU's own lists, so a synthetic participant supports exactly what the SFU offers.
    codecs: codecs(),
    headerExtensions: headerExtensions(),
    bundlePolicy: 'max-bundle',
    iceServers: [],
    // werift skips loopback unless named.
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceFilterCandidatePair: (pair) => pairAllowed(pair.localCandidate.host, pair.remoteCandidate.host),
  };
}

export class SyntheticPeer {
  private readonly pc = new RTCPeerConnection(peerConfig());
  private offers: Promise<void> = Promise.resolve();
  private readonly pendingCandidates: IceCandidate[] = [];
  private readonly hooked = new Set<RTCRtpTransceiver>();
  private readonly feedback = new TransportFeedbackBuilder(randomSsrc());
  private transportCcId: number | undefined;
  private feedbackMediaSsrc = 0;
  private dtls: RTCDtlsTransport | undefined;
  private closed = false;
  private publishMids = new Set<string>();
  camera: CameraSetup | undefined;
  microphone: MicrophoneSetup | undefined;

  constructor(private readonly handlers: PeerHandlers) {
    this.pc.onRemoteTransceiverAdded.subscribe(disableWeriftTwcc);
    this.pc.onIceCandidate.subscribe((c) => {
      // Only loopback ones: werift also gathers on the other interfaces, which must not be announced.
      const address = c?.candidate.split(' ')[4];
      if (c && address && isLoopback(address)) handlers.candidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (this.closed) return;
      if (state === 'connected') this.onConnected();
      else if (state === 'failed') handlers.failed(this.pc.dtlsTransports[0]?.state === 'failed' ? 'dtls-failed' : `ice-${this.pc.iceConnectionState}`);
    });
  }

  /** Queued behind any offer still being applied. Resolves with the offer's remote tracks once answered. */
  handleOffer(offer: OfferMessage): Promise<RemoteTrack[]> {
    const applied = this.offers.then(() => this.applyOffer(offer));
    this.offers = applied.then(
      () => {},
      (err: unknown) => {
        if (!this.closed) this.handlers.failed(`offer: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    return applied;
  }

  addRemoteCandidate(candidate: IceCandidate): void {
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    void this.addCandidate(candidate);
  }

  /** Transport-wide feedback for what arrived since the last call; the caller runs this every 50 ms. */
  sendFeedback(): void {
    const packet = this.dtls && !this.closed ? this.feedback.build(this.feedbackMediaSsrc) : null;
    if (packet) void this.dtls!.sendRtcp([{ serialize: () => packet } as unknown as RtcpPacket]).catch(() => {});
  }

  /** A PLI for the stream on this receiving m-line, as a browser sends when it can't decode. */
  requestKeyframe(mid: string): void {
    const t = this.transceiver(mid);
    const ssrc = t?.receiver.tracks[0]?.ssrc;
    if (t && ssrc !== undefined) void t.receiver.sendRtcpPLI(ssrc).catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pc.close().catch(() => {});
  }

  private async applyOffer(offer: OfferMessage): Promise<RemoteTrack[]> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    const { audio, video, screen } = offer.publish;
    this.publishMids = new Set([audio, video, screen]);
    for (const mid of this.publishMids) {
      const t = this.transceiver(mid);
      if (!t) throw new Error(`no m-line ${mid} to publish on`);
      t.setDirection('sendonly');
    }
    this.camera ??= this.cameraSetup(offer.sdp, video);
    this.microphone ??= { ids: extensionIds(mediaSection(offer.sdp, audio) ?? []), sender: this.transceiver(audio)!.sender };
    this.transportCcId ??= this.camera.ids.transportCc;
    for (const c of this.pendingCandidates.splice(0)) await this.addCandidate(c);
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.hookReceivers();
    const sdp = this.pc.localDescription?.sdp ?? answer.sdp;
    if (!this.closed) this.handlers.answer(loadAnswer(sdp, this.camera.rids.length > 1 ? video : null));
    return offer.tracks;
  }

  private cameraSetup(sdp: string, mid: string): CameraSetup {
    const t = this.transceiver(mid)!;
    const section = mediaSection(sdp, mid) ?? [];
    const vp8 = t.codecs.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
    if (!vp8?.payloadType) throw new Error('the offer has no VP8');
    return { mid, rids: simulcastRecvRids(section), payloadType: vp8.payloadType, ids: extensionIds(section), sender: t.sender };
  }

  /** Every receiving m-line's track, once: video packets and audio counts go to the handlers. */
  private hookReceivers(): void {
    for (const t of this.pc.getTransceivers()) {
      const mid = t.mid;
      if (mid === null || this.publishMids.has(mid) || this.hooked.has(t)) continue;
      const track = t.receiver.tracks[0];
      if (!track) continue;
      this.hooked.add(t);
      if (t.kind === 'video') track.onReceiveRtp.subscribe((packet) => this.handlers.video(mid, packet));
      else track.onReceiveRtp.subscribe(() => this.handlers.audio(mid));
    }
  }

  private onConnected(): void {
    const dtls = this.pc.dtlsTransports[0];
    if (!dtls || this.dtls) return;
    this.dtls = dtls;
    dtls.onRtp.subscribe(this.onRtp);
    dtls.onRtcp.subscribe((packet) => this.handlers.rtcp(packet));
    this.handlers.connected(dtls);
  }

  /** Arrival of every packet of the transport, for transport-wide feedback. */
  private readonly onRtp = (packet: RtpPacket): void => {
    const id = this.transportCcId;
    if (id === undefined) return;
    const extensions = packet.header.extensions;
    for (let i = 0; i < extensions.length; i++) {
      const ext = extensions[i]!;
      if (ext.id === id && ext.payload.length >= 2) {
        this.feedback.onPacket(ext.payload.readUInt16BE(0), performance.now() * 1000);
        this.feedbackMediaSsrc = packet.header.ssrc;
        return;
      }
    }
  };

  private transceiver(mid: string): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers().find((t) => t.mid === mid);
  }

  private async addCandidate(candidate: IceCandidate): Promise<void> {
    try {
      await this.pc.addIceCandidate({ candidate: candidate.candidate, sdpMid: candidate.sdpMid ?? undefined, sdpMLineIndex: candidate.sdpMLineIndex ?? undefined });
    } catch {
      // A bad candidate only loses that path.
    }
  }
}

/**
 * One RTCPeerConnection to the SFU. The server always offers and we only answer, so this is just:
 * apply offers strictly one at a time, attach our microphone, camera and screen to the three
 * `publish` mids, trickle ICE, and report which receiver carries whose media (from `offer.tracks`).
 */
import type { IceCandidate, MediaKind, OfferMessage, RemoteTrack } from '../../protocol/messages.js';
import { LAYER_MAX_BITRATE, LAYER_SCALE_DOWN, SIMULCAST_RIDS } from '../../protocol/simulcast.js';
import { mapRemoteMedia, type MediaSlot, type ParticipantMedia } from './remote-media.js';

/** Upper bound for our camera; the bandwidth estimate still decides below that. */
export const VIDEO_MAX_BITRATE = 2_500_000;

/** Our publish m-lines, as the offer names them; null sends nothing (the m-line stays). */
export interface LocalTracks {
  track(slot: MediaSlot): MediaStreamTrack | null;
}

const PUBLISH_SLOTS: readonly MediaSlot[] = ['audio', 'video', 'screen'];
/** What the E2EE transform must treat each publish m-line as. */
const SLOT_KIND: Record<MediaSlot, MediaKind> = { audio: 'audio', video: 'video', screen: 'video' };

/** End-to-end encryption's hooks into the PeerConnection (see e2ee/meeting-encryption.ts). */
export interface MediaTransforms {
  attachSender(sender: RTCRtpSender, kind: MediaKind): void;
  attachReceiver(receiver: RTCRtpReceiver, mid: string): void;
  setOwners(tracks: readonly RemoteTrack[]): void;
}

export interface PeerHandlers {
  answer(sdp: string): void;
  candidate(candidate: IceCandidate): void;
  connectionState(state: RTCPeerConnectionState): void;
  remoteMedia(media: Map<string, ParticipantMedia<MediaStreamTrack>>): void;
  /** Applying an offer failed; the connection cannot be trusted any more. */
  failed(error: unknown): void;
}

export class MediaPeer {
  readonly pc: RTCPeerConnection;
  /** `tracks` of the latest applied offer (read by the test hook). */
  tracks: RemoteTrack[] = [];
  private offers: Promise<void> = Promise.resolve();
  private pendingCandidates: RTCIceCandidateInit[] = [];
  /** The three mids we send on, from the latest offer. */
  private publish: OfferMessage['publish'] | null = null;
  private closed = false;
  /** Which camera layers anybody receives (dynacast); all until the SFU says otherwise. */
  private cameraLayers: readonly boolean[] = SIMULCAST_RIDS.map(() => true);

  constructor(
    private readonly local: LocalTracks,
    private readonly handlers: PeerHandlers,
    /** Null when this browser doesn't encrypt: frames pass untouched. */
    private readonly transforms: MediaTransforms | null = null,
  ) {
    this.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceServers: [] });
    this.pc.addEventListener('icecandidate', (ev) => {
      const c = ev.candidate;
      if (!c || !c.candidate) return; // end-of-candidates
      handlers.candidate({ candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
    });
    this.pc.addEventListener('connectionstatechange', () => {
      if (!this.closed) handlers.connectionState(this.pc.connectionState);
    });
  }

  /** Queues the offer behind any offer still being applied. */
  handleOffer(offer: OfferMessage): void {
    this.offers = this.offers.then(async () => {
      if (this.closed) return;
      try {
        await this.applyOffer(offer);
      } catch (err) {
        if (!this.closed) this.handlers.failed(err);
      }
    });
  }

  addRemoteCandidate(candidate: IceCandidate): void {
    const init: RTCIceCandidateInit = {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid ?? null,
      sdpMLineIndex: candidate.sdpMLineIndex ?? null,
    };
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(init);
      return;
    }
    this.pc.addIceCandidate(init).catch((err: unknown) => console.warn('confab: remote ICE candidate rejected', err));
  }

  /** Re-attach local tracks (e.g. after a device came back); safe at any time. */
  async refreshLocalTracks(publish: OfferMessage['publish'] | null = this.publish): Promise<void> {
    if (!publish) return;
    for (const slot of PUBLISH_SLOTS) {
      const transceiver = this.transceiver(publish[slot]);
      if (!transceiver) continue;
      const track = this.local.track(slot);
      if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
    }
  }

  close(): void {
    this.closed = true;
    this.pc.close();
  }

  private async applyOffer(offer: OfferMessage): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    this.attachTransforms(offer);
    for (const init of this.pendingCandidates.splice(0)) {
      await this.pc.addIceCandidate(init).catch((err: unknown) => console.warn('confab: remote ICE candidate rejected', err));
    }
    for (const slot of PUBLISH_SLOTS) {
      const transceiver = this.transceiver(offer.publish[slot]);
      if (!transceiver) throw new Error(`offer has no m-line with mid ${offer.publish[slot]} for our ${slot}`);
      // Also while there is nothing to send: the screen's m-line stays ready for a share.
      transceiver.direction = 'sendonly';
    }
    this.publish = offer.publish;
    await this.refreshLocalTracks(offer.publish);
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    if (this.closed) return;
    this.handlers.answer(answer.sdp ?? this.pc.localDescription?.sdp ?? '');

    this.tracks = offer.tracks;
    this.handlers.remoteMedia(mapRemoteMedia(offer.tracks, (mid) => this.transceiver(mid)?.receiver.track));
    await this.configureCamera();
    await this.limitVideoBitrate(offer.publish.screen);
  }

  /** Dynacast: encode only the camera layers somebody receives. */
  setCameraLayers(active: readonly boolean[]): void {
    this.cameraLayers = active;
    this.offers = this.offers.then(() => this.configureCamera());
  }

  /**
   * The camera's simulcast layers (when the SFU's offer asked for them): each one's scale and
   * bitrate, and whether it is sent at all. Without simulcast, one layer with the overall limit.
   */
  private async configureCamera(): Promise<void> {
    const mid = this.publish?.video;
    const sender = mid === undefined ? undefined : this.transceiver(mid)?.sender;
    if (!sender) return;
    const params = sender.getParameters();
    const encodings = params.encodings ?? [];
    if (encodings.length <= 1) return this.limitVideoBitrate(mid!);
    let changed = false;
    for (const e of encodings) {
      const layer = SIMULCAST_RIDS.indexOf(e.rid as (typeof SIMULCAST_RIDS)[number]);
      if (layer < 0) continue;
      const wanted = { scaleResolutionDownBy: LAYER_SCALE_DOWN[layer]!, maxBitrate: LAYER_MAX_BITRATE[layer]!, active: this.cameraLayers[layer] ?? true };
      if (e.scaleResolutionDownBy === wanted.scaleResolutionDownBy && e.maxBitrate === wanted.maxBitrate && e.active === wanted.active) continue;
      Object.assign(e, wanted);
      changed = true;
    }
    if (!changed) return;
    try {
      await sender.setParameters(params);
    } catch (err) {
      console.debug('confab: could not set the camera layers', err);
    }
  }

  /** Before any of this offer's media can arrive: who sends on which mid, and a transform on each. */
  private attachTransforms(offer: OfferMessage): void {
    if (!this.transforms) return;
    this.transforms.setOwners(offer.tracks);
    const publishing = new Map(PUBLISH_SLOTS.map((slot) => [offer.publish[slot], slot]));
    for (const t of this.pc.getTransceivers()) {
      if (!t.mid) continue;
      const slot = publishing.get(t.mid);
      if (slot) this.transforms.attachSender(t.sender, SLOT_KIND[slot]);
      else this.transforms.attachReceiver(t.receiver, t.mid);
    }
  }

  private transceiver(mid: string): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers().find((t) => t.mid === mid);
  }

  /** Best effort: some browsers refuse parameters before media flows; the next offer tries again. */
  private async limitVideoBitrate(mid: string): Promise<void> {
    const sender = this.transceiver(mid)?.sender;
    if (!sender) return;
    try {
      const params = sender.getParameters();
      if (!params.encodings || params.encodings.length === 0) return;
      if (params.encodings.every((e) => e.maxBitrate === VIDEO_MAX_BITRATE)) return;
      for (const e of params.encodings) e.maxBitrate = VIDEO_MAX_BITRATE;
      await sender.setParameters(params);
    } catch (err) {
      console.debug('confab: could not set the video bitrate', err);
    }
  }
}

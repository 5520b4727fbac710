/**
 * A werift PeerConnection standing in for a browser in SFU tests: answers every offer (as a
 * client without simulcast or congestion feedback), publishes on its three publish m-lines when
 * asked, and counts the RTP packets it receives per mid.
 */
import assert from 'node:assert/strict';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, type RTCRtpTransceiver } from 'werift';
import type { OfferMessage, RemoteTrack } from '../../src/protocol/messages.js';
import { forEachKeyframeRequest } from '../../src/sfu/keyframe-requests.js';
import { asPlainClient, type SignalingClient } from './signaling-client.js';

type Slot = keyof OfferMessage['publish'];
const PAYLOAD_TYPE: Record<Slot, number> = { audio: 111, video: 96, screen: 96 };
/** A VP8 payload that starts a keyframe (S=1, PID=0, then P=0 and the start code); Opus for audio. */
const payloadFor = (slot: Slot) => (slot === 'audio' ? Buffer.alloc(60, 1) : Buffer.from([0x10, 0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, ...Array(40).fill(7)]));

/** One participant: a signaling connection and a werift PeerConnection that answers every offer. */
export class WeriftPeer {
  readonly pc = new RTCPeerConnection({ iceAdditionalHostAddresses: ['127.0.0.1'] });
  readonly local: Record<Slot, MediaStreamTrack> = {
    audio: new MediaStreamTrack({ kind: 'audio' }),
    video: new MediaStreamTrack({ kind: 'video' }),
    screen: new MediaStreamTrack({ kind: 'video' }),
  };
  /** RTP packets received per mid. */
  readonly received = new Map<string, number>();
  /** Keyframe requests that reached our camera's and our screen's sender. */
  cameraPlis = 0;
  screenPlis = 0;
  offer: OfferMessage | null = null;
  offers = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(readonly c: SignalingClient) {
    this.pc.onIceCandidate.subscribe((ice) => {
      if (ice) c.send({ type: 'ice', candidate: { candidate: ice.candidate, sdpMid: ice.sdpMid ?? null, sdpMLineIndex: ice.sdpMLineIndex ?? null } });
    });
    this.pc.ontrack = ({ track, transceiver }) => {
      track.onReceiveRtp.subscribe(() => this.received.set(transceiver.mid!, (this.received.get(transceiver.mid!) ?? 0) + 1));
    };
    void this.answerAll();
  }

  /** Our mids of `source` media from `participantId` in the latest offer. */
  track(participantId: string, source: RemoteTrack['source']): RemoteTrack | undefined {
    return this.offer?.tracks.find((t) => t.participantId === participantId && t.source === source);
  }

  count(mid: string | undefined): number {
    return mid === undefined ? 0 : (this.received.get(mid) ?? 0);
  }

  /** Sends on all three publish m-lines every 10 ms, the screen too: what a modified client might do. */
  publish(): void {
    this.timer = setInterval(() => {
      const seq = this.seq++;
      for (const slot of ['audio', 'video', 'screen'] as const) {
        const header = new RtpHeader({ payloadType: PAYLOAD_TYPE[slot], sequenceNumber: seq & 0xffff, timestamp: seq * 960, marker: true });
        this.local[slot].writeRtp(new RtpPacket(header, payloadFor(slot)));
      }
    }, 10);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.c.close();
    await this.pc.close();
  }

  private async answerAll(): Promise<void> {
    for (;;) {
      const offer = await this.c.next('offer', 60_000).catch(() => null);
      if (!offer || this.closed) return;
      await this.answer(offer).catch((err: unknown) => {
        if (!this.closed) throw err;
      });
    }
  }

  private async answer(offer: OfferMessage): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: asPlainClient(offer.sdp) });
    for (const slot of ['audio', 'video', 'screen'] as const) {
      const t = this.transceiver(offer.publish[slot]);
      t.setDirection('sendonly');
      if (!t.sender.track) await t.sender.replaceTrack(this.local[slot]);
    }
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    // Read keyframe requests off the wire: werift's own routing of them to senders is unreliable.
    if (this.offers === 0) {
      const camera = this.transceiver(offer.publish.video).sender;
      const screen = this.transceiver(offer.publish.screen).sender;
      this.pc.dtlsTransports[0]!.onRtcp.subscribe((p) =>
        forEachKeyframeRequest(p, (ssrc) => {
          if (ssrc === camera.ssrc) this.cameraPlis++;
          else if (ssrc === screen.ssrc) this.screenPlis++;
        }),
      );
    }
    this.c.send({ type: 'answer', sdp: this.pc.localDescription!.sdp });
    this.offer = offer;
    this.offers++;
  }

  private transceiver(mid: string): RTCRtpTransceiver {
    const t = this.pc.getTransceivers().find((x) => x.mid === mid);
    assert.ok(t, `no m-line ${mid}`);
    return t;
  }
}


/**
 * A Router is one meeting's media plane: every participant's transport, and the wiring from each
 * Producer to a Consumer on every other participant's transport. A meeting lives in exactly one
 * Router, which is the unit a media worker process will own.
 */
import type { IceCandidate, MediaSource } from '../protocol/messages.js';
import type { RtcConfig } from '../server/config.js';
import type { MediaTap } from './media-tap.js';
import type { Producer } from './producer.js';
import { WebRtcTransport, type Offer } from './transport.js';

export interface PeerHandlers {
  offer(offer: Offer): void;
  candidate(candidate: IceCandidate): void;
  failed(reason: string): void;
}

/** A screen is carried to the others only while it is shared, so an idle screen costs nobody an m-line. */
function carried(producer: Producer): boolean {
  return producer.source !== 'screen' || !producer.paused;
}

export class Router {
  private readonly transports = new Map<string, WebRtcTransport>();

  constructor(
    private readonly rtc: RtcConfig,
    private readonly tap?: MediaTap,
  ) {}

  get peerCount(): number {
    return this.transports.size;
  }

  addPeer(participantId: string, handlers: PeerHandlers): void {
    if (this.transports.has(participantId)) throw new Error('peer exists');
    const transport = new WebRtcTransport(
      participantId,
      this.rtc,
      {
        offer: handlers.offer,
        candidate: handlers.candidate,
        failed: handlers.failed,
        producer: (producer) => this.onProducer(producer),
      },
      this.tap,
    );
    this.transports.set(participantId, transport);
    for (const other of this.transports.values()) {
      if (other === transport) continue;
      for (const producer of other.producers) if (carried(producer)) transport.consume(producer);
    }
    transport.start();
  }

  /** Mutes: the m-lines stay, nothing is forwarded on them. */
  setPaused(participantId: string, source: 'microphone' | 'camera', paused: boolean): void {
    this.transports.get(participantId)?.setPaused(source, paused);
  }

  /** Starts or stops forwarding this participant's screen, adding or idling its m-line at the others. */
  setScreenSharing(participantId: string, sharing: boolean): void {
    const transport = this.transports.get(participantId);
    if (!transport) return;
    transport.setPaused('screen', !sharing);
    const producer = transport.producer('screen');
    if (!producer) return; // not negotiated yet: onProducer carries it once it is
    for (const other of this.transports.values()) {
      if (other === transport) continue;
      if (sharing) other.consume(producer);
      else other.unconsume(producer);
    }
  }

  async handleAnswer(participantId: string, sdp: string): Promise<boolean> {
    const transport = this.transports.get(participantId);
    return transport ? transport.handleAnswer(sdp) : false;
  }

  async addRemoteCandidate(participantId: string, candidate: IceCandidate): Promise<void> {
    await this.transports.get(participantId)?.addRemoteCandidate(candidate);
  }

  async removePeer(participantId: string): Promise<void> {
    const transport = this.transports.get(participantId);
    if (!transport) return;
    this.transports.delete(participantId);
    for (const producer of transport.producers) {
      for (const other of this.transports.values()) other.unconsume(producer);
    }
    await transport.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.transports.keys()].map((id) => this.removePeer(id)));
  }

  private onProducer(producer: Producer): void {
    if (!carried(producer)) return;
    for (const other of this.transports.values()) {
      if (other.participantId !== producer.participantId) other.consume(producer);
    }
  }
}

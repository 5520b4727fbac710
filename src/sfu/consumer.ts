/**
 * A Consumer is one subscriber's sending m-line. It carries one Producer's media at a time and can
 * be re-attached to another Producer later (m-lines are recycled, so renegotiation stays small).
 * Of a simulcast Producer it carries one layer, and changes layer only at a keyframe of the new one,
 * so the subscriber's decoder never sees a frame that refers to a picture it didn't get.
 */
import type { RTCRtpTransceiver, RtpPacket } from 'werift';
import type { MediaKind } from '../protocol/messages.js';
import { forwardingStats } from './forwarding-stats.js';
import type { Producer } from './producer.js';

/** Forwarded packets lose the publisher's header extensions; werift adds the subscriber's own. */
const NO_EXTENSIONS: RtpPacket['header']['extensions'] = Object.freeze([]) as unknown as RtpPacket['header']['extensions'];

/** No layer: video waits for a keyframe (of `targetLayer`), or is paused when that is NO_LAYER too. */
export const NO_LAYER = -1;
/**
 * After a switch up, the layer switched from stays running this long (dynacast): if the link turns
 * out not to carry the new layer, the fall back is to a layer that still flows, at its next
 * keyframe, not to the quarter layer while the encoder restarts the other.
 */
const FALLBACK_HOLD_MS = 8000;

export class Consumer {
  private producerRef: Producer | null = null;
  /** The layer being forwarded; NO_LAYER while video waits for its first keyframe. */
  private currentLayer = NO_LAYER;
  /** The layer to forward next (switched to at its next keyframe); NO_LAYER pauses. */
  private targetLayer = 0;
  /** The next packet starts a new sequence/timestamp run on this m-line. */
  private rebase = false;
  // Our own sequence/timestamp rewriting, so a recycled m-line continues seamlessly for the receiver.
  private seqOffset = 0;
  private tsOffset = 0;
  private sentAny = false;
  private lastSeq = 0;
  private lastTs = 0;
  private lastSentMs = 0;
  /** Negotiated and the transport is connected: packets can leave. */
  private ready = false;
  /** The layer the subscriber's plan asks of the publisher (dynacast); NO_LAYER for none. */
  wanted = NO_LAYER;
  /** The layer of the latest switch up, kept running until `fallbackUntilMs` (see FALLBACK_HOLD_MS). */
  fallback = NO_LAYER;
  fallbackUntilMs = 0;

  constructor(
    readonly kind: MediaKind,
    readonly transceiver: RTCRtpTransceiver,
    private readonly clockRate: number,
  ) {}

  get producer(): Producer | null {
    return this.producerRef;
  }

  get mid(): string | null {
    return this.transceiver.mid;
  }

  get ssrc(): number {
    return this.transceiver.sender.ssrc;
  }

  /** Forwarding media now: ready, and a layer flows. */
  get sending(): boolean {
    return this.ready && this.currentLayer !== NO_LAYER;
  }

  /** The layer this consumer is heading for (NO_LAYER: paused). */
  get target(): number {
    return this.targetLayer;
  }

  get current(): number {
    return this.currentLayer;
  }

  attach(producer: Producer): void {
    this.detach();
    this.producerRef = producer;
    this.currentLayer = this.kind === 'audio' ? 0 : NO_LAYER;
    this.targetLayer = 0;
    this.rebase = true;
    producer.addConsumer(this);
    if (this.ready) this.requestKeyframe();
  }

  detach(): void {
    this.producerRef?.removeConsumer(this);
    this.producerRef = null;
  }

  /** Heads for `layer` (switching at its next keyframe), or pauses at once with NO_LAYER. */
  setTarget(layer: number): void {
    if (this.kind === 'audio' || layer === this.targetLayer) return;
    this.targetLayer = layer;
    if (layer === NO_LAYER) this.currentLayer = NO_LAYER;
    else if (layer !== this.currentLayer) this.producerRef?.requestKeyframe(layer);
  }

  /** After a pause, video continues only from a keyframe, which is requested now. */
  restartAtKeyframe(): void {
    if (this.kind !== 'video' || !this.producerRef) return;
    this.currentLayer = NO_LAYER;
    this.requestKeyframe();
  }

  /** Called once negotiation has given the sender a codec and DTLS is up. */
  setReady(ready: boolean): void {
    const wasReady = this.ready;
    this.ready = ready;
    if (ready && !wasReady) this.requestKeyframe();
  }

  /**
   * The subscriber lost a picture: a keyframe of what it receives. While it receives nothing yet,
   * of the layer it heads for, and of the lowest one too, whose small keyframe starts the picture
   * soonest (see takes()).
   */
  requestKeyframe(): void {
    if (this.currentLayer !== NO_LAYER) return this.producerRef?.requestKeyframe(this.currentLayer);
    if (this.targetLayer === NO_LAYER) return;
    this.producerRef?.requestKeyframe(this.targetLayer);
    if (this.targetLayer > 0) this.producerRef?.requestKeyframe(0);
  }

  /**
   * Hot path: whether this consumer forwards a packet of `layer`. A keyframe of the target layer
   * switches to it; packets of other layers are dropped. While nothing is forwarded yet, a keyframe
   * of a lower layer than the target starts the picture: the first frame comes sooner, and the
   * target's keyframe switches it up.
   */
  takes(layer: number, keyframe: boolean): boolean {
    if (!this.ready) return false;
    if (layer === this.currentLayer) return true;
    if (layer !== this.targetLayer) {
      if (!keyframe || this.currentLayer !== NO_LAYER || layer > this.targetLayer || this.targetLayer === NO_LAYER) return false;
      this.currentLayer = layer;
      this.rebase = true;
      this.producerRef?.requestKeyframe(this.targetLayer);
      return true;
    }
    if (!keyframe) {
      // Still waiting for the target's keyframe: ask again (the publisher throttles it), since a
      // request or the keyframe itself may have been lost, and VP8 sends none unasked.
      this.producerRef?.requestKeyframe(layer);
      return false;
    }
    if (layer > this.currentLayer && this.currentLayer !== NO_LAYER) {
      this.fallback = this.currentLayer;
      this.fallbackUntilMs = performance.now() + FALLBACK_HOLD_MS;
    }
    this.currentLayer = layer;
    this.rebase = true;
    return true;
  }

  /** Hot path, after takes(). `own`: the caller gives up the packet, so it need not be cloned. */
  send(packet: RtpPacket, own: boolean): void {
    // werift's sender rewrites the header in place and keeps the packet for retransmission.
    const out = own ? packet : packet.clone();
    const header = out.header;
    header.extensions = NO_EXTENSIONS;
    const now = performance.now();
    if (this.rebase) {
      this.rebase = false;
      if (this.sentAny) {
        // Continue right after the last packet sent, with a timestamp advanced by the time elapsed.
        const elapsedTicks = Math.round(((now - this.lastSentMs) * this.clockRate) / 1000);
        this.seqOffset = (this.lastSeq + 1 - header.sequenceNumber) & 0xffff;
        this.tsOffset = (this.lastTs + Math.max(1, elapsedTicks) - header.timestamp) >>> 0;
      }
    }
    header.sequenceNumber = (header.sequenceNumber + this.seqOffset) & 0xffff;
    header.timestamp = (header.timestamp + this.tsOffset) >>> 0;
    // Remember the newest packet only; a late retransmission must not pull the run backwards.
    if (!this.sentAny || ((header.sequenceNumber - this.lastSeq) & 0xffff) < 0x8000) {
      this.lastSeq = header.sequenceNumber;
      this.lastTs = header.timestamp;
      this.lastSentMs = now;
    }
    this.sentAny = true;
    void this.transceiver.sender.sendRtp(out);
    forwardingStats.forwardedPackets++;
  }
}

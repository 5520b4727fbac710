/**
 * A Consumer is one subscriber's sending m-line. It carries one Producer's media at a time and can
 * be re-attached to another Producer later (m-lines are recycled, so renegotiation stays small).
 */
import type { RTCRtpTransceiver, RtpPacket } from 'werift';
import type { MediaKind } from '../protocol/messages.js';
import { forwardingStats } from './forwarding-stats.js';
import type { Producer } from './producer.js';
import { isVp8KeyframeStart } from './vp8.js';

/** Forwarded packets lose the publisher's header extensions; werift adds the subscriber's own. */
const NO_EXTENSIONS: RtpPacket['header']['extensions'] = Object.freeze([]) as unknown as RtpPacket['header']['extensions'];

export class Consumer {
  private producerRef: Producer | null = null;
  /** Video starts (and restarts after re-attach) at a keyframe, so the decoder never sees a broken frame. */
  private waitingForKeyframe = false;
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

  attach(producer: Producer): void {
    this.detach();
    this.producerRef = producer;
    this.waitingForKeyframe = this.kind === 'video';
    this.rebase = true;
    producer.addConsumer(this);
    if (this.ready) producer.requestKeyframe();
  }

  detach(): void {
    this.producerRef?.removeConsumer(this);
    this.producerRef = null;
  }

  /** After a pause, video continues only from a keyframe, which is requested now. */
  restartAtKeyframe(): void {
    if (this.kind !== 'video' || !this.producerRef) return;
    this.waitingForKeyframe = true;
    this.producerRef.requestKeyframe();
  }

  /** Called once negotiation has given the sender a codec and DTLS is up. */
  setReady(ready: boolean): void {
    const wasReady = this.ready;
    this.ready = ready;
    if (ready && !wasReady) this.producerRef?.requestKeyframe();
  }

  requestKeyframe(): void {
    this.producerRef?.requestKeyframe();
  }

  /** Hot path. `own`: the caller gives up the packet, so it need not be cloned. */
  send(packet: RtpPacket, own: boolean): void {
    if (!this.ready) return;
    if (this.waitingForKeyframe) {
      if (!isVp8KeyframeStart(packet.payload)) {
        this.producerRef?.requestKeyframe();
        return;
      }
      this.waitingForKeyframe = false;
    }
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

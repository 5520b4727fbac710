/**
 * A Producer is one participant's published track (microphone, camera or screen) as it arrives at
 * the SFU. It fans each RTP packet out to its Consumers and relays keyframe requests to the publisher.
 */
import type { MediaStreamTrack, RTCRtpReceiver, RtpPacket } from 'werift';
import { SOURCE_KIND, type MediaKind, type MediaSource } from '../protocol/messages.js';
import type { Consumer } from './consumer.js';
import { forwardingStats } from './forwarding-stats.js';
import type { TapRecorder } from './media-tap.js';

/** At most one keyframe request per interval reaches the publisher, however many subscribers ask. */
const KEYFRAME_REQUEST_INTERVAL_MS = 300;

export class Producer {
  private readonly consumers: Consumer[] = [];
  private lastKeyframeRequestMs = -Infinity;
  private readonly unsubscribe: () => void;
  closed = false;
  /**
   * While paused (muted, muted by a moderator, a screen not shared), nothing is forwarded, whatever
   * the client sends.
   */
  private pausedNow = false;
  readonly kind: MediaKind;
  /** The test tap's recorder, until it has recorded its share (then dropped, so it costs nothing). */
  private tap: TapRecorder | undefined;

  constructor(
    readonly participantId: string,
    readonly source: MediaSource,
    private readonly receiver: RTCRtpReceiver,
    private readonly track: MediaStreamTrack,
    tap?: TapRecorder,
  ) {
    this.kind = SOURCE_KIND[source];
    this.tap = tap;
    const sub = track.onReceiveRtp.subscribe(this.forward);
    this.unsubscribe = () => sub.unSubscribe();
  }

  /** Hot path: no allocation here beyond what each consumer's send needs. */
  private readonly forward = (packet: RtpPacket): void => {
    forwardingStats.receivedPackets++;
    if (this.pausedNow) return;
    if (this.tap !== undefined && !this.tap.record(packet.payload)) this.tap = undefined;
    const consumers = this.consumers;
    const last = consumers.length - 1;
    // werift hands each listener its own clone, so the last consumer may take the packet itself.
    for (let i = 0; i <= last; i++) consumers[i]!.send(packet, i === last);
  };

  addConsumer(consumer: Consumer): void {
    if (!this.consumers.includes(consumer)) this.consumers.push(consumer);
  }

  removeConsumer(consumer: Consumer): void {
    const i = this.consumers.indexOf(consumer);
    if (i >= 0) this.consumers.splice(i, 1);
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  setPaused(paused: boolean): void {
    if (this.pausedNow === paused) return;
    this.pausedNow = paused;
    // Subscribers resume at a keyframe (their consumers wait for one after a gap in video).
    if (!paused) for (const c of this.consumers) c.restartAtKeyframe();
  }

  requestKeyframe(): void {
    if (this.kind !== 'video' || this.closed || this.track.ssrc === undefined) return;
    const now = performance.now();
    if (now - this.lastKeyframeRequestMs < KEYFRAME_REQUEST_INTERVAL_MS) return;
    this.lastKeyframeRequestMs = now;
    forwardingStats.keyframeRequests++;
    void this.receiver.sendRtcpPLI(this.track.ssrc);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const c of [...this.consumers]) c.detach();
  }
}

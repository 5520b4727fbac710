/**
 * A Producer is one participant's published track (microphone, camera or screen) as it arrives at
 * the SFU. A simulcast camera has three layers (one SSRC each, lowest first); everything else has
 * one. It fans each RTP packet out to the Consumers that currently take that layer, generates NACKs
 * per layer, measures each layer's bitrate and size, notices speech on a microphone, and relays
 * keyframe requests to the publisher.
 */
import { GenericNack, RtcpTransportLayerFeedback, type MediaStreamTrack, type RTCRtpReceiver, type RtpPacket } from 'werift';
import { SOURCE_KIND, type MediaKind, type MediaSource } from '../protocol/messages.js';
import { LAYER_COUNT, LAYER_MAX_BITRATE, LAYER_SCALE_DOWN } from '../protocol/simulcast.js';
import type { Consumer } from './consumer.js';
import { forwardingStats } from './forwarding-stats.js';
import { EXTENSION_IDS } from './media-config.js';
import type { TapRecorder } from './media-tap.js';
import { NackGenerator } from './nack-generator.js';
import { isVp8KeyframeStart, vp8KeyframeHeight } from './vp8.js';

/** At most one keyframe request per interval reaches the publisher per layer, however many subscribers ask. */
const KEYFRAME_REQUEST_INTERVAL_MS = 300;
/** Audio louder than this (in -dBov, RFC 6464: 0 is loudest, 127 silence) counts as speech. */
const SPEECH_LEVEL = 50;
/** Loud packets per tick (about 25 arrive per 500 ms) that make a participant a current speaker. */
const SPEECH_PACKETS_PER_TICK = 5;
/**
 * A simulcast layer costs the allocator at least this share of its cap: an encoder climbs towards
 * its cap whenever the picture moves (Chromium's still fake camera sends about half of it, a real
 * one in motion nearly all of it). A link that can't carry that much gets the layer below.
 */
const SIMULCAST_COST_SHARE_OF_CAP = 0.75;
/** What a camera's full layer usually is (720p), for sizes not yet seen in a keyframe. */
const TYPICAL_FULL_HEIGHT = 720;

export class ProducerLayer {
  /** Learned from the first packet (simulcast SSRCs are not in the SDP). */
  ssrc = -1;
  /** Frame height from the latest keyframe; 0 until one arrived. */
  height = 0;
  /** Measured bits/s (smoothed); 0 until the layer has been seen. */
  bitrate = 0;
  /** Packets arrived since the previous tick: a layer is flowing if there were any. */
  packetsSinceTick = 0;
  bytesSinceTick = 0;
  flowing = false;
  lastKeyframeRequestMs = -Infinity;
  readonly nack: NackGenerator | undefined;

  private readonly nominalBps: number;
  private readonly nominalHeight: number;
  private readonly simulcast: boolean;

  /** `index` within a simulcast Producer's layers, or undefined for a single-layer one. */
  constructor(simulcastIndex: number | undefined) {
    this.simulcast = simulcastIndex !== undefined;
    this.nack = this.simulcast ? new NackGenerator() : undefined;
    const top = LAYER_COUNT - 1;
    const cap = LAYER_MAX_BITRATE[simulcastIndex ?? top]!;
    this.nominalBps = this.simulcast ? cap * SIMULCAST_COST_SHARE_OF_CAP : cap / 2;
    this.nominalHeight = TYPICAL_FULL_HEIGHT / LAYER_SCALE_DOWN[simulcastIndex ?? top]!;
  }

  /**
   * Cost of forwarding this layer, for the allocator. A simulcast layer costs what it measured, but
   * at least SIMULCAST_COST_SHARE_OF_CAP of the most the publisher gives it: the encoder may climb
   * to that whenever the picture moves, and it measures low while it ramps up after dynacast resumed
   * it, which would tempt the allocator into switches that the link can't carry a second later
   * (each one a keyframe). A single-layer video has nothing lower to fall back to, so it costs what
   * it measured, or half its cap before that.
   */
  get cost(): number {
    return this.simulcast ? Math.max(this.bitrate, this.nominalBps) : this.bitrate > 0 ? this.bitrate : this.nominalBps;
  }

  /** Frame height, or before a keyframe told it, what the layer's scale makes likely. */
  get expectedHeight(): number {
    return this.height > 0 ? this.height : this.nominalHeight;
  }
}

export class Producer {
  private readonly consumers: Consumer[] = [];
  private readonly unsubscribes: (() => void)[] = [];
  readonly layers: ProducerLayer[];
  closed = false;
  /**
   * While paused (muted, muted by a moderator, a screen not shared), nothing is forwarded, whatever
   * the client sends.
   */
  private pausedNow = false;
  readonly kind: MediaKind;
  /** The test tap's recorder, until it has recorded its share (then dropped, so it costs nothing). */
  private tap: TapRecorder | undefined;
  private loudPackets = 0;
  /** performance.now() of the latest tick with speech; -Infinity if never. */
  lastSpokeMs = -Infinity;
  private readonly nackScratch: number[] = [];

  /** `tracks`: one per layer, lowest first (werift's per-rid tracks for a simulcast m-line). */
  constructor(
    readonly participantId: string,
    readonly source: MediaSource,
    private readonly receiver: RTCRtpReceiver,
    tracks: readonly MediaStreamTrack[],
    tap?: TapRecorder,
  ) {
    this.kind = SOURCE_KIND[source];
    this.tap = tap;
    const simulcast = tracks.length > 1;
    this.layers = tracks.map((_, i) => new ProducerLayer(simulcast ? i : undefined));
    tracks.forEach((track, i) => {
      const forward = (packet: RtpPacket) => this.forward(i, packet);
      const sub = track.onReceiveRtp.subscribe(forward);
      this.unsubscribes.push(() => sub.unSubscribe());
    });
  }

  get simulcast(): boolean {
    return this.layers.length > 1;
  }

  /** Hot path: no allocation here beyond what each consumer's send needs. */
  private forward(layerIndex: number, packet: RtpPacket): void {
    forwardingStats.receivedPackets++;
    const layer = this.layers[layerIndex]!;
    const header = packet.header;
    layer.ssrc = header.ssrc;
    layer.packetsSinceTick++;
    layer.bytesSinceTick += packet.payload.length;
    layer.nack?.onPacket(header.sequenceNumber, performance.now());
    if (this.pausedNow) return;
    let keyframe = false;
    if (this.kind === 'video') {
      keyframe = isVp8KeyframeStart(packet.payload);
      if (keyframe) layer.height = vp8KeyframeHeight(packet.payload);
    } else if (this.isLoud(packet)) {
      this.loudPackets++;
    }
    if (this.tap !== undefined && !this.tap.record(packet.payload)) this.tap = undefined;
    // werift hands each listener its own clone, so the last taker may have the packet itself.
    let taker: Consumer | null = null;
    const consumers = this.consumers;
    for (let i = 0; i < consumers.length; i++) {
      const c = consumers[i]!;
      if (!c.takes(layerIndex, keyframe)) continue;
      if (taker !== null) taker.send(packet, false);
      taker = c;
    }
    if (taker !== null) taker.send(packet, true);
  }

  private isLoud(packet: RtpPacket): boolean {
    const extensions = packet.header.extensions;
    for (let i = 0; i < extensions.length; i++) {
      const ext = extensions[i]!;
      if (ext.id === EXTENSION_IDS.audioLevel && ext.payload.length > 0) return (ext.payload[0]! & 0x7f) < SPEECH_LEVEL;
    }
    return false;
  }

  /** The router's periodic bookkeeping: layer bitrates and whether they flow, and speech. */
  tick(nowMs: number, elapsedMs: number): void {
    for (const layer of this.layers) {
      layer.flowing = layer.packetsSinceTick > 0;
      if (layer.flowing) {
        const bps = (layer.bytesSinceTick * 8 * 1000) / Math.max(elapsedMs, 1);
        layer.bitrate = layer.bitrate === 0 ? bps : layer.bitrate * 0.6 + bps * 0.4;
      }
      layer.packetsSinceTick = 0;
      layer.bytesSinceTick = 0;
    }
    if (this.loudPackets >= SPEECH_PACKETS_PER_TICK && !this.pausedNow) this.lastSpokeMs = nowMs;
    this.loudPackets = 0;
  }

  /** Sends the NACKs due now, per layer (simulcast only; werift handles single-SSRC m-lines). */
  sendNacks(nowMs: number): void {
    const dtls = this.receiver.dtlsTransport;
    if (!dtls || this.closed) return;
    for (const layer of this.layers) {
      if (!layer.nack || layer.ssrc < 0) continue;
      const lost = this.nackScratch;
      lost.length = 0;
      if (layer.nack.collect(nowMs, lost) === 0) continue;
      const feedback = new GenericNack({ senderSsrc: this.receiver.rtcpSsrc, mediaSourceSsrc: layer.ssrc, lost: [...lost] });
      void dtls.sendRtcp([new RtcpTransportLayerFeedback({ feedback })]).catch(() => {});
    }
  }

  addConsumer(consumer: Consumer): void {
    if (!this.consumers.includes(consumer)) this.consumers.push(consumer);
  }

  removeConsumer(consumer: Consumer): void {
    const i = this.consumers.indexOf(consumer);
    if (i >= 0) this.consumers.splice(i, 1);
  }

  /** The consumers, for dynacast (which layers anybody wants). */
  get consumerList(): readonly Consumer[] {
    return this.consumers;
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

  requestKeyframe(layerIndex: number): void {
    const layer = this.layers[layerIndex];
    if (this.kind !== 'video' || this.closed || !layer || layer.ssrc < 0) return;
    const now = performance.now();
    if (now - layer.lastKeyframeRequestMs < KEYFRAME_REQUEST_INTERVAL_MS) return;
    layer.lastKeyframeRequestMs = now;
    forwardingStats.keyframeRequests++;
    void this.receiver.sendRtcpPLI(layer.ssrc);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribes) u();
    for (const c of [...this.consumers]) c.detach();
  }
}

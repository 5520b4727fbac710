/**
 * A WebRtcTransport is one participant's single PeerConnection to the SFU (BUNDLE, rtcp-mux).
 * It publishes the participant's microphone, camera (simulcast) and screen as Producers (one
 * recvonly m-line each), carries other participants' media on recycled Consumer m-lines, drives
 * negotiation (the server always offers), produces the transport-wide congestion-control feedback
 * that werift gets wrong, and estimates the participant's downlink from the feedback it sends.
 */
import {
  RTCPeerConnection,
  RtcpTransportLayerFeedback,
  TransportWideCC,
  type MediaStreamTrack,
  type RTCDtlsTransport,
  type RTCRtpTransceiver,
  type RtcpPacket,
  type RtpPacket,
} from 'werift';
import { SOURCE_KIND, type IceCandidate, type MediaKind, type MediaSource, type RemoteTrack } from '../protocol/messages.js';
import { SIMULCAST_RIDS } from '../protocol/simulcast.js';
import type { RtcConfig } from '../server/config.js';
import {
  acceptRemoteCandidate,
  acceptedRemoteSdp,
  publicLocalCandidate,
  publicLocalSdp,
  type CandidatePolicy,
} from './candidates.js';
import { ArrivalClock } from './arrival-clock.js';
import { Consumer } from './consumer.js';
import { DownlinkEstimator } from './downlink-estimator.js';
import { forwardingStats } from './forwarding-stats.js';
import { EXTENSION_IDS, peerConfig } from './media-config.js';
import { forEachKeyframeRequest } from './keyframe-requests.js';
import type { MediaTap } from './media-tap.js';
import { Producer } from './producer.js';
import { ResendBudget } from './resend-budget.js';
import { withoutRtx } from './sdp-rtx.js';
import { TransportFeedbackBuilder } from './transport-feedback.js';
import { UpgradeProbe } from './upgrade-probe.js';
import { PADDING_PACKET_BYTES, disableWeriftNack, disableWeriftTwcc, observeSentRtp, sendRtxPadding } from './werift-patches.js';
import { randomBytes } from 'node:crypto';

export interface Offer {
  sdp: string;
  publish: { audio: string; video: string; screen: string };
  tracks: RemoteTrack[];
}

export interface TransportHandlers {
  offer(offer: Offer): void;
  candidate(candidate: IceCandidate): void;
  producer(producer: Producer): void;
  /** Media can't continue (ICE/DTLS failed, or the client's answer was unusable). */
  failed(reason: string): void;
}

const CLOCK_RATE: Record<MediaKind, number> = { audio: 48000, video: 90000 };
/** Audio packets are small: IP, UDP, RTP and SRTP headers add about this much to the payload rate. */
const AUDIO_OVERHEAD = 1.5;
/** The publish m-lines, in this order in every offer. */
const SOURCES: readonly MediaSource[] = ['microphone', 'camera', 'screen'];
/** Feedback cadence: Chrome's estimator expects reports every 50-100 ms. */
const FEEDBACK_INTERVAL_MS = 50;
/** Probe padding goes out in bursts this far apart (small enough not to build a queue of its own). */
const PADDING_INTERVAL_MS = 20;
/** One heartbeat per process times the arrivals of every transport (see ArrivalClock). */
let sharedArrivalClock: ArrivalClock | undefined;
/** A client that does not answer an offer within this time is treated as gone. */
const ANSWER_TIMEOUT_MS = 15_000;

export class WebRtcTransport {
  private readonly pc: RTCPeerConnection;
  private readonly policy: CandidatePolicy;
  private readonly publishing: Record<MediaSource, RTCRtpTransceiver>;
  private readonly consumers: Consumer[] = [];
  private readonly consumerBySsrc = new Map<number, Consumer>();
  readonly producers: Producer[] = [];
  /** What should be paused, also for producers that appear later. A screen is paused until shared. */
  private readonly paused: Record<MediaSource, boolean> = { microphone: false, camera: false, screen: true };
  private offering = false;
  private dirty = false;
  private scheduled = false;
  private closed = false;
  private connected = false;
  private dtls: RTCDtlsTransport | undefined;
  private readonly pendingCandidates: IceCandidate[] = [];
  private readonly feedback = new TransportFeedbackBuilder(randomBytes(4).readUInt32BE(0));
  private readonly arrivalClock = (sharedArrivalClock ??= new ArrivalClock());
  private feedbackMediaSsrc = 0;
  private feedbackTimer: NodeJS.Timeout | undefined;
  private answerTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions: { unSubscribe(): void }[] = [];
  /** This participant's downlink, from the congestion feedback its browser sends. */
  readonly downlink = new DownlinkEstimator();
  private readonly resendBudget = new ResendBudget(() => this.downlink.estimateBps, performance.now());
  /** Whether this participant's downlink carries a higher layer, before it gets one (see UpgradeProbe). */
  readonly probe = new UpgradeProbe((outcome) => {
    if (outcome === 'carried') forwardingStats.probesCarried++;
    else if (outcome === 'refused') forwardingStats.probesRefused++;
    else forwardingStats.probesTimedOut++;
  });
  /** What this participant was sent (bits/s) over the router's last tick, padding not included. */
  mediaSendBps = 0;
  /** Bytes sent since the last measureSendRate(), padding included, and padding alone. */
  private sentBytes = 0;
  private paddingBytes = 0;
  private paddingBps = 0;
  private paddingCredit = 0;
  private paddingTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly participantId: string,
    rtc: RtcConfig,
    private readonly handlers: TransportHandlers,
    /** Testing aid only: records the first bytes of what this participant publishes. */
    private readonly tap?: MediaTap,
  ) {
    this.policy = { listenIps: rtc.listenIps, announcedIp: rtc.announcedIp };
    const config = peerConfig(rtc);
    this.pc = new RTCPeerConnection(config);
    const [, twccExt, ridExt] = config.headerExtensions?.video ?? [];
    if (twccExt?.id !== EXTENSION_IDS.transportCc || ridExt?.id !== EXTENSION_IDS.rid) throw new Error('werift header extension numbering changed');

    const publish = (source: MediaSource) =>
      this.pc.addTransceiver(SOURCE_KIND[source], {
        direction: 'recvonly',
        ...(source === 'camera' ? { simulcast: SIMULCAST_RIDS.map((rid) => ({ rid, direction: 'recv' as const })) } : {}),
      });
    this.publishing = { microphone: publish('microphone'), camera: publish('camera'), screen: publish('screen') };
    for (const source of SOURCES) {
      const t = this.publishing[source];
      disableWeriftTwcc(t);
      // werift announces a simulcast m-line's rid tracks one by one while applying the answer:
      // the Producer is made once all of them are there.
      this.subscriptions.push(t.onTrack.subscribe((track) => queueMicrotask(() => this.addProducer(source, t, track))));
    }
    this.subscriptions.push(
      this.pc.onIceCandidate.subscribe((c) => {
        if (!c || this.closed) return;
        const line = publicLocalCandidate(c.candidate, this.policy);
        if (line) this.handlers.candidate({ candidate: line, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
      }),
      this.pc.connectionStateChange.subscribe((state) => this.onConnectionState(state)),
    );
  }

  /** Start negotiation; call once after the initial consumers are set up. */
  start(): void {
    this.scheduleNegotiation();
  }

  /** Carry `producer`'s media to this participant, on an idle m-line of that kind if there is one. */
  consume(producer: Producer): void {
    if (this.closed || this.consumers.some((c) => c.producer === producer)) return;
    let consumer = this.consumers.find((c) => c.kind === producer.kind && c.producer === null);
    if (consumer) {
      consumer.transceiver.setDirection('sendonly');
    } else {
      const t = this.pc.addTransceiver(producer.kind, { direction: 'sendonly' });
      disableWeriftTwcc(t);
      consumer = new Consumer(producer.kind, t, CLOCK_RATE[producer.kind]);
      this.consumers.push(consumer);
      this.consumerBySsrc.set(consumer.ssrc, consumer);
    }
    consumer.attach(producer);
    this.refreshReadiness();
    this.scheduleNegotiation();
  }

  /** Stop carrying `producer`; its m-line goes idle (inactive) for later reuse. */
  unconsume(producer: Producer): void {
    const consumer = this.consumers.find((c) => c.producer === producer);
    if (!consumer || this.closed) return;
    consumer.detach();
    consumer.transceiver.setDirection('inactive');
    this.scheduleNegotiation();
  }

  /** Stop (or resume) forwarding this participant's `source`; enforced here, not in the client. */
  setPaused(source: MediaSource, paused: boolean): void {
    this.paused[source] = paused;
    this.producer(source)?.setPaused(paused);
  }

  producer(source: MediaSource): Producer | undefined {
    return this.producers.find((p) => p.source === source);
  }

  /** Returns false when no offer was outstanding (the client answered out of turn). */
  async handleAnswer(sdp: string): Promise<boolean> {
    if (!this.offering || this.closed) return false;
    clearTimeout(this.answerTimer);
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: acceptedRemoteSdp(sdp, this.policy) });
    } catch {
      this.fail('answer-rejected');
      return true;
    }
    this.offering = false;
    for (const c of this.pendingCandidates.splice(0)) await this.addCandidateNow(c);
    this.refreshReadiness();
    if (this.dirty) void this.negotiate();
    return true;
  }

  async addRemoteCandidate(candidate: IceCandidate): Promise<void> {
    if (this.closed || !acceptRemoteCandidate(candidate.candidate, this.policy)) return;
    if (this.offering || !this.pc.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    await this.addCandidateNow(candidate);
  }

  /** The m-lines that carry someone's video to this participant now. */
  videoConsumers(): Consumer[] {
    return this.consumers.filter((c) => c.kind === 'video' && c.producer !== null);
  }

  /** What the audio forwarded to this participant takes of its downlink (bits/s, headers included). */
  forwardedAudioBps(): number {
    let bps = 0;
    for (const c of this.consumers) {
      const p = c.kind === 'audio' ? c.producer : null;
      if (p && !p.paused) bps += p.layers[0]!.bitrate * AUDIO_OVERHEAD;
    }
    return bps;
  }

  /** Measures `mediaSendBps` over the `elapsedMs` since the last call (the router's tick). */
  measureSendRate(elapsedMs: number): void {
    this.mediaSendBps = elapsedMs > 0 ? ((this.sentBytes - this.paddingBytes) * 8000) / elapsedMs : 0;
    this.sentBytes = this.paddingBytes = 0;
  }

  /** Pads the downlink at `bps` (0: stop), for the upgrade probe. */
  setPadding(bps: number): void {
    this.paddingBps = bps;
    if (bps > 0 && !this.paddingTimer && !this.closed) {
      this.paddingCredit = 0;
      this.paddingTimer = setInterval(this.pad, PADDING_INTERVAL_MS);
    } else if (bps === 0 && this.paddingTimer) {
      clearInterval(this.paddingTimer);
      this.paddingTimer = undefined;
    }
  }

  private readonly pad = (): void => {
    const carrier = this.consumers.find((c) => c.kind === 'video' && c.sending);
    if (!carrier || !this.dtls) return;
    for (this.paddingCredit += (this.paddingBps * PADDING_INTERVAL_MS) / 8000; this.paddingCredit >= PADDING_PACKET_BYTES; this.paddingCredit -= PADDING_PACKET_BYTES) {
      const bytes = sendRtxPadding(carrier.transceiver.sender, this.dtls, EXTENSION_IDS.transportCc);
      if (bytes === 0) break;
      this.paddingBytes += bytes;
    }
    this.paddingCredit = Math.min(this.paddingCredit, PADDING_PACKET_BYTES);
  };

  /** Which of this participant's m-lines carry whose media. */
  remoteTracks(): RemoteTrack[] {
    const out: RemoteTrack[] = [];
    for (const c of this.consumers) {
      if (c.producer && c.mid !== null) out.push({ mid: c.mid, participantId: c.producer.participantId, kind: c.kind, source: c.producer.source });
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.feedbackTimer);
    clearInterval(this.paddingTimer);
    clearTimeout(this.answerTimer);
    for (const s of this.subscriptions) s.unSubscribe();
    for (const p of this.producers) p.close();
    for (const c of this.consumers) c.detach();
    await this.pc.close().catch(() => {});
  }

  private async addCandidateNow(candidate: IceCandidate): Promise<void> {
    try {
      await this.pc.addIceCandidate({
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid ?? undefined,
        sdpMLineIndex: candidate.sdpMLineIndex ?? undefined,
      });
    } catch {
      // A malformed or stale candidate only loses that path; ICE goes on with the others.
    }
  }

  private addProducer(source: MediaSource, t: RTCRtpTransceiver, track: MediaStreamTrack): void {
    if (this.closed || this.producer(source)) return;
    // A simulcast answer gives one werift track per rid; a browser that didn't take simulcast, one.
    const layers = SIMULCAST_RIDS.map((rid) => t.receiver.trackByRID[rid]).filter((l) => l !== undefined);
    if (layers.length > 1) disableWeriftNack(t.receiver);
    const tracks = layers.length > 1 ? layers : [track];
    const producer = new Producer(this.participantId, source, t.receiver, tracks, this.tap?.recorder(source));
    producer.setPaused(this.paused[source]);
    this.producers.push(producer);
    this.handlers.producer(producer);
  }

  private scheduleNegotiation(): void {
    this.dirty = true;
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    // Coalesce the changes of one event-loop turn (e.g. a join that adds several consumers) into one offer.
    setImmediate(() => {
      this.scheduled = false;
      void this.negotiate();
    });
  }

  private async negotiate(): Promise<void> {
    if (this.closed || this.offering || !this.dirty) return;
    this.dirty = false;
    this.offering = true;
    try {
      await this.pc.setLocalDescription(await this.pc.createOffer());
    } catch {
      this.fail('offer-failed');
      return;
    }
    if (this.closed) return;
    this.hookDtls();
    const local = this.pc.localDescription;
    const { microphone, camera, screen } = this.publishing;
    if (!local || microphone.mid === null || camera.mid === null || screen.mid === null) {
      this.fail('offer-failed');
      return;
    }
    this.answerTimer = setTimeout(() => this.fail('answer-timeout'), ANSWER_TIMEOUT_MS);
    this.handlers.offer({
      sdp: withoutRtx(publicLocalSdp(local.sdp, this.policy), camera.mid),
      publish: { audio: microphone.mid, video: camera.mid, screen: screen.mid },
      tracks: this.remoteTracks(),
    });
  }

  private onConnectionState(state: string): void {
    if (this.closed) return;
    if (state === 'connected') {
      this.connected = true;
      this.refreshReadiness();
      this.feedbackTimer ??= setInterval(this.sendFeedback, FEEDBACK_INTERVAL_MS);
    } else if (state === 'failed' || state === 'closed') {
      this.fail(`ice-${state}`);
    }
  }

  private refreshReadiness(): void {
    for (const c of this.consumers) c.setReady(this.connected && c.transceiver.sender.codec !== undefined);
  }

  private hookDtls(): void {
    const dtls = this.pc.dtlsTransports[0];
    if (!dtls || dtls === this.dtls) return;
    this.dtls = dtls;
    this.subscriptions.push(dtls.onRtp.subscribe(this.onRtp), dtls.onRtcp.subscribe(this.onRtcp));
    observeSentRtp(dtls, EXTENSION_IDS.transportCc, this.onSentRtp, (bytes) => this.resendBudget.take(bytes, performance.now()));
  }

  /** Hot path: every packet sent to this participant, for the downlink estimate. */
  private readonly onSentRtp = (transportSeq: number, bytes: number): void => {
    this.sentBytes += bytes;
    this.downlink.onSent(transportSeq, bytes, performance.now());
  };

  /** Hot path: record the transport-wide sequence number and arrival time of every packet. */
  private readonly onRtp = (packet: RtpPacket): void => {
    const extensions = packet.header.extensions;
    for (let i = 0; i < extensions.length; i++) {
      const ext = extensions[i]!;
      if (ext.id === EXTENSION_IDS.transportCc && ext.payload.length >= 2) {
        this.feedback.onPacket(ext.payload.readUInt16BE(0), this.arrivalClock.arrivalMs() * 1000);
        this.feedbackMediaSsrc = packet.header.ssrc;
        return;
      }
    }
  };

  private readonly sendFeedback = (): void => {
    const dtls = this.dtls;
    if (!dtls || this.closed) return;
    const now = performance.now();
    for (const p of this.producers) if (p.simulcast) p.sendNacks(now);
    const packet = this.feedback.build(this.feedbackMediaSsrc);
    if (!packet) return;
    forwardingStats.transportFeedbackPackets++;
    void dtls.sendRtcp([{ serialize: () => packet } as unknown as RtcpPacket]).catch(() => {});
  };

  /**
   * Keyframe requests from this participant, for media it receives, go to the right publisher;
   * its congestion feedback goes to the downlink estimate.
   */
  private readonly onRtcp = (packet: RtcpPacket): void => {
    if (packet instanceof RtcpTransportLayerFeedback && packet.feedback instanceof TransportWideCC) this.downlink.onFeedback(packet.feedback);
    else forEachKeyframeRequest(packet, this.requestKeyframe);
  };

  private readonly requestKeyframe = (ssrc: number): void => this.consumerBySsrc.get(ssrc)?.requestKeyframe();

  private fail(reason: string): void {
    if (this.closed) return;
    this.handlers.failed(reason);
  }
}

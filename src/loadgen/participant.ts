/**
 * One synthetic participant: joins over the real signaling protocol (unencrypted: it sends clear
 * VP8 and Opus), answers every offer, publishes its camera (simulcast if the SFU asks for it) and,
 * if a speaker, its microphone; tells the SFU which cameras it shows (`view`); follows dynacast
 * (`publish-layers`) and keyframe requests; and measures what it receives.
 */
import { GenericNack, RtcpTransportLayerFeedback, type RTCDtlsTransport, type RtcpPacket } from 'werift';
import type { RemoteTrack, ServerMessage } from '../protocol/messages.js';
import { SIMULCAST_RIDS } from '../protocol/simulcast.js';
import { forEachKeyframeRequest } from '../sfu/keyframe-requests.js';
import { loadSamples, SINGLE_LAYER } from './media-samples.js';
import { SyntheticPeer } from './peer.js';
import { Publisher, type CameraEncoding } from './publisher.js';
import { SenderSink, SrtpLayerSink } from './rtp-sinks.js';
import { Signaling } from './signaling.js';
import { emptyReceiveStats, Subscriber, type ReceiveStats } from './subscriber.js';
import { joinOrder, viewTiles } from './view.js';
import { MAX_SLICE_BYTES, VP8_DESCRIPTOR_BYTES } from './vp8-payload.js';

/** RFC 6464 level byte of a speaker: voice activity set, -30 dBov (loud enough to count as speech). */
const SPEAKING_LEVEL = 0x80 | 30;
/** A media connection that keeps failing is given up after this many replacements. */
const MAX_MEDIA_RESTARTS = 5;
/** The server allows one `restart-ice` per this time; a refused one is asked again after it. */
const RESTART_RETRY_MS = 2000;
/** A join not answered with `welcome` by then counts as failed. */
const JOIN_TIMEOUT_MS = 20_000;

export interface ParticipantPlan {
  /** Join order, 0 first; also in the display name, so others can tell it. */
  index: number;
  /** Participants in the run (for the view's rotation). */
  count: number;
  baseUrl: string;
  meetingId: string;
  /** Only for the first participant, who joins as host. */
  hostSecret?: string | undefined;
  speaker: boolean;
  tiles: number;
  tileWidth: number;
  tileHeight: number;
}

export interface ParticipantStats {
  index: number;
  joined: boolean;
  failure: string | null;
  /** How the camera was sent: null before the first offer. */
  simulcast: boolean | null;
  /** Why the media connection was replaced (`restart-ice`), as a browser does when it fails. */
  mediaRestarts: Record<string, number>;
  /** From sending `join` to the first remote frame shown; null if nobody was there to see at join. */
  joinToFirstFrameMs: number | null;
  receive: ReceiveStats;
  videoPacketsSent: number;
  audioPacketsSent: number;
  /**
   * Recoverable errors from the server, by code (e.g. a message type an older server doesn't know),
   * and server messages that failed the protocol's validation, as "invalid <type>".
   */
  errors: Record<string, number>;
}

export class SyntheticParticipant {
  private signaling: Signaling | undefined;
  private peer: SyntheticPeer;
  /** We sent `restart-ice`: offers and candidates belong to the old connection until the server's. */
  private restarting = false;
  private restarts = 0;
  private readonly restartReasons: Record<string, number> = {};
  private restartRetry: NodeJS.Timeout | undefined;
  private simulcast: boolean | null = null;
  private readonly subscriber: Subscriber;
  private publisher: Publisher | undefined;
  private dtls: RTCDtlsTransport | undefined;
  private joinSentMs = NaN;
  /** Someone with a camera was in the meeting when we joined, so a first frame is expected. */
  private othersAtJoin = false;
  private joined = false;
  private closing = false;
  private failure: string | null = null;
  private readonly orders = new Map<string, number>();
  private lastView = '';
  private activeLayers: readonly boolean[] | undefined;
  private readonly errors: Record<string, number> = {};
  private welcomed: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(
    private readonly plan: ParticipantPlan,
    private readonly now: () => number,
  ) {
    this.subscriber = new Subscriber((mid) => this.peer.requestKeyframe(mid));
    this.peer = this.newPeer();
  }

  /** Events of a replaced connection are ignored. */
  private newPeer(): SyntheticPeer {
    const peer: SyntheticPeer = new SyntheticPeer({
      answer: (sdp) => this.peer === peer && this.signaling?.send({ type: 'answer', sdp }),
      candidate: (candidate) => this.peer === peer && this.signaling?.send({ type: 'ice', candidate }),
      connected: (dtls) => {
        if (this.peer !== peer) return;
        this.dtls = dtls;
        this.startPublishing();
      },
      failed: (reason) => this.peer === peer && this.restartMedia(reason),
      video: (mid, packet) => this.subscriber.onVideo(mid, packet, this.now()),
      audio: () => this.subscriber.onAudio(),
      rtcp: this.onRtcp,
    });
    return peer;
  }

  /** Joins; resolves once admitted (`welcome`), rejects (and records why) if that fails. */
  async join(): Promise<void> {
    const welcomed = new Promise<void>((resolve, reject) => (this.welcomed = { resolve, reject }));
    const timer = setTimeout(() => this.fail('join timed out'), JOIN_TIMEOUT_MS);
    try {
      await this.sendJoin();
      await welcomed;
    } catch (err) {
      this.fail(`join: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async sendJoin(): Promise<void> {
    const p = this.plan;
    this.signaling = await Signaling.connect(p.baseUrl, {
      message: (m) => this.onMessage(m),
      invalid: (type) => this.count(`invalid ${type}`),
      closed: () => this.fail('signaling closed'),
    });
    if (this.closing) return this.signaling.close(); // timed out while connecting
    this.joinSentMs = this.now();
    this.signaling.send({
      type: 'join',
      meetingId: p.meetingId,
      name: `Load ${p.index}`,
      audioMuted: !p.speaker,
      videoMuted: false,
      e2ee: false,
      ...(p.hostSecret ? { hostSecret: p.hostSecret } : {}),
    });
  }

  /** Called by the thread's shared timer. */
  tick(nowMs: number): void {
    this.publisher?.tick(nowMs);
  }

  /** Called every 50 ms by the thread's shared timer. */
  sendFeedback(): void {
    this.peer.sendFeedback();
  }

  startWindow(nowMs: number): void {
    this.subscriber.startWindow(nowMs);
  }

  stats(nowMs: number): ParticipantStats {
    const first = this.subscriber.firstFrameMs;
    return {
      index: this.plan.index,
      joined: this.joined,
      failure: this.failure,
      simulcast: this.simulcast,
      mediaRestarts: { ...this.restartReasons },
      joinToFirstFrameMs: this.othersAtJoin && !Number.isNaN(first) ? first - this.joinSentMs : null,
      receive: this.joined ? this.subscriber.stats(nowMs) : emptyReceiveStats(),
      videoPacketsSent: this.publisher?.videoPacketsSent ?? 0,
      audioPacketsSent: this.publisher?.audioPacketsSent ?? 0,
      errors: { ...this.errors },
    };
  }

  async leave(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartRetry);
    this.signaling?.send({ type: 'leave' });
    this.signaling?.close();
    await this.peer.close();
  }

  private onMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'welcome':
        this.joined = true;
        for (const p of m.participants) this.learn(p.id, p.name);
        this.othersAtJoin = m.participants.some((p) => !p.videoMuted);
        this.welcomed?.resolve();
        return;
      case 'participant-joined':
        return this.learn(m.participant.id, m.participant.name);
      case 'participant-left':
        this.orders.delete(m.participantId);
        return;
      case 'offer':
        if (this.restarting) return;
        return void this.peer.handleOffer(m).then((tracks) => this.onTracks(tracks), () => {});
      case 'ice':
        if (!this.restarting) this.peer.addRemoteCandidate(m.candidate);
        return;
      case 'restart-ice':
        if (!this.restarting || this.closing) return;
        this.restarting = false;
        this.peer = this.newPeer();
        this.subscriber.connectionReplaced();
        return;
      case 'publish-layers':
        this.activeLayers = m.active;
        this.publisher?.setActiveLayers(m.active);
        return;
      case 'forwarding':
        return this.subscriber.setHeldBack(m.paused, this.now());
      case 'removed':
        return this.fail(`removed (${m.reason})`);
      case 'error':
        if (!m.recoverable) return this.fail(`error ${m.code}`);
        this.count(m.code);
        if (m.code === 'rate-limited' && m.inReplyTo === 'restart-ice') {
          this.restartRetry = setTimeout(() => this.signaling?.send({ type: 'restart-ice' }), RESTART_RETRY_MS);
        }
        return;
      default:
        return;
    }
  }

  private count(error: string): void {
    this.errors[error] = (this.errors[error] ?? 0) + 1;
  }

  private learn(participantId: string, name: string): void {
    const order = joinOrder(name);
    if (order !== undefined) this.orders.set(participantId, order);
  }

  /** After each answered offer: who is on which m-line, and so what we show. */
  private onTracks(tracks: readonly RemoteTrack[]): void {
    this.subscriber.setTracks(tracks, this.now());
    this.startPublishing();
    const p = this.plan;
    const tiles = viewTiles(tracks, (id) => this.orders.get(id), { self: p.index, count: p.count, tiles: p.tiles, width: p.tileWidth, height: p.tileHeight });
    const key = JSON.stringify(tiles);
    if (key === this.lastView) return;
    this.lastView = key;
    this.signaling?.send({ type: 'view', tiles, pinned: null });
  }

  /** Once the first offer is answered and DTLS is up. */
  private startPublishing(): void {
    const camera = this.peer.camera;
    const mic = this.peer.microphone;
    const dtls = this.dtls;
    if (this.publisher || !camera || !mic || !dtls || this.closing) return;
    this.simulcast = camera.rids.length > 1;
    const samples = loadSamples();
    const layers = camera.rids.map((rid) => ({ rid, layer: (SIMULCAST_RIDS as readonly string[]).indexOf(rid) })).filter((l) => l.layer >= 0);
    let encodings: CameraEncoding[];
    if (layers.length > 1) {
      encodings = layers.map(({ rid, layer }) => {
        const sink = new SrtpLayerSink(dtls, camera.payloadType, camera.ids, camera.mid, rid, VP8_DESCRIPTOR_BYTES + MAX_SLICE_BYTES);
        return { layer, ssrc: sink.ssrc, sink, clip: samples.camera[layer]! };
      });
    } else {
      const sink = new SenderSink(camera.sender);
      encodings = [{ layer: SINGLE_LAYER, ssrc: sink.ssrc, sink, clip: samples.camera[SINGLE_LAYER]! }];
    }
    const level = mic.ids.audioLevel;
    const micSink = new SenderSink(mic.sender, level === undefined ? [] : [{ id: level, payload: Buffer.of(SPEAKING_LEVEL) }]);
    this.publisher = new Publisher(encodings, this.plan.speaker ? { sink: micSink, packets: samples.microphone } : null, this.now());
    if (this.activeLayers) this.publisher.setActiveLayers(this.activeLayers);
  }

  private readonly onRtcp = (packet: RtcpPacket): void => {
    if (!this.publisher) return;
    forEachKeyframeRequest(packet, this.keyframeRequested);
    if (packet instanceof RtcpTransportLayerFeedback && packet.feedback instanceof GenericNack) {
      this.publisher.retransmit(packet.feedback.mediaSourceSsrc, packet.feedback.lost);
    }
  };

  private readonly keyframeRequested = (ssrc: number): void => this.publisher?.requestKeyframe(ssrc);

  /**
   * The media connection failed (ICE, DTLS, or an offer that could not be applied) while signaling
   * works: like a browser, ask the server for a new one (`restart-ice`) and publish anew on it.
   */
  private restartMedia(reason: string): void {
    if (this.closing || this.restarting) return;
    if (++this.restarts > MAX_MEDIA_RESTARTS) return this.fail(reason);
    this.restartReasons[reason] = (this.restartReasons[reason] ?? 0) + 1;
    this.restarting = true;
    void this.peer.close();
    this.publisher = undefined;
    this.dtls = undefined;
    // The server's new transport knows neither our view nor which layers to ask of us.
    this.lastView = '';
    this.activeLayers = undefined;
    this.signaling?.send({ type: 'restart-ice' });
  }

  private fail(reason: string): void {
    if (this.closing) return;
    this.failure ??= reason;
    this.welcomed?.reject(new Error(reason));
    this.closing = true;
    clearTimeout(this.restartRetry);
    this.signaling?.close();
    void this.peer.close();
  }
}

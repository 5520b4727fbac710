/**
 * A Router is one meeting's media plane: every participant's transport, and the wiring from each
 * Producer to a Consumer on every other participant's transport. A meeting lives in exactly one
 * Router, which is the unit a media worker process will own.
 *
 * On a tick (and soon after anything that changes what someone should receive) it plans each
 * subscriber's video: last-N, what their browser shows, their downlink estimate -> a layer per
 * remote video (forwarding-plan.ts). From all plans together it tells each publisher which camera
 * layers anybody receives (dynacast), so unused layers cost the publisher nothing.
 */
import type { IceCandidate, MessageOf, ServerMessage, TileView } from '../protocol/messages.js';
import { LAYER_COUNT } from '../protocol/simulcast.js';
import type { RtcConfig } from '../server/config.js';
import { NO_LAYER, type Consumer } from './consumer.js';
import { planForwarding, tileKey, type RemoteVideo, type SubscriberView, type VideoPlan } from './forwarding-plan.js';
import { selectLastN } from './last-n.js';
import type { MediaTap } from './media-tap.js';
import type { Producer } from './producer.js';
import { WebRtcTransport, type Offer } from './transport.js';

export type ForwardingState = Omit<MessageOf<ServerMessage, 'forwarding'>, 'type'>;

export interface PeerHandlers {
  offer(offer: Offer): void;
  candidate(candidate: IceCandidate): void;
  failed(reason: string): void;
  /** Dynacast: which of this publisher's camera layers anybody receives, lowest first. */
  publishLayers(active: boolean[]): void;
  /** What this subscriber is not sent now, and whether it is down to audio only. */
  forwarding(state: ForwardingState): void;
}

/** Bandwidth estimates and plans are refreshed this often. */
const TICK_MS = 500;
/** A change (a join, a new view) is planned for this soon, coalescing a burst of them. */
const REPLAN_DELAY_MS = 30;

interface Peer {
  transport: WebRtcTransport;
  handlers: PeerHandlers;
  joinOrder: number;
  view: SubscriberView | null;
  /** The last messages sent, so that only changes go out. */
  sentForwarding: string;
  sentLayers: string;
}

/** A screen is carried to the others only while it is shared, so an idle screen costs nobody an m-line. */
function carried(producer: Producer): boolean {
  return producer.source !== 'screen' || !producer.paused;
}

export class Router {
  private readonly transports = new Map<string, WebRtcTransport>();
  private readonly peers = new Map<string, Peer>();
  private joins = 0;
  private lastN = Infinity;
  private lastTickMs = performance.now();
  private readonly ticker: NodeJS.Timeout;
  private replanTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rtc: RtcConfig,
    private readonly tap?: MediaTap,
  ) {
    this.ticker = setInterval(this.tick, TICK_MS);
  }

  get peerCount(): number {
    return this.transports.size;
  }

  /** Video of at most this many others goes to each participant. */
  setLastN(lastN: number): void {
    this.lastN = lastN;
    this.replan();
  }

  /** What `participantId`'s browser shows: its visible tiles with their heights, and its pinned participant. */
  setView(participantId: string, tiles: readonly TileView[], pinned: string | null): void {
    const peer = this.peers.get(participantId);
    if (!peer) return;
    peer.view = { tiles: new Map(tiles.map((t) => [tileKey(t.participantId, t.source), t.height])), pinned };
    this.replan();
  }

  /** `subscriberId`'s browser gets packets of this video but decodes no frame: a keyframe of what it receives. */
  requestKeyframe(subscriberId: string, publisherId: string, source: 'camera' | 'screen'): void {
    const consumers = this.transports.get(subscriberId)?.videoConsumers() ?? [];
    consumers.find((c) => c.producer?.participantId === publisherId && c.producer.source === source)?.requestKeyframe();
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
    this.peers.set(participantId, { transport, handlers, joinOrder: this.joins++, view: null, sentForwarding: '', sentLayers: '' });
    for (const other of this.transports.values()) {
      if (other === transport) continue;
      for (const producer of other.producers) if (carried(producer)) transport.consume(producer);
    }
    transport.start();
    this.replan();
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
    this.replan();
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
    this.peers.delete(participantId);
    for (const producer of transport.producers) {
      for (const other of this.transports.values()) other.unconsume(producer);
    }
    this.replan();
    await transport.close();
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    clearTimeout(this.replanTimer);
    await Promise.all([...this.transports.keys()].map((id) => this.removePeer(id)));
    clearTimeout(this.replanTimer);
  }

  private onProducer(producer: Producer): void {
    if (!carried(producer)) return;
    for (const other of this.transports.values()) {
      if (other.participantId !== producer.participantId) other.consume(producer);
    }
    this.replan();
  }

  /** Plans again shortly (coalesced), without waiting for the next tick. */
  private replan(): void {
    this.replanTimer ??= setTimeout(() => {
      this.replanTimer = undefined;
      this.plan();
    }, REPLAN_DELAY_MS);
  }

  private readonly tick = (): void => {
    const now = performance.now();
    const elapsed = now - this.lastTickMs;
    this.lastTickMs = now;
    for (const t of this.transports.values()) {
      for (const p of t.producers) p.tick(now, elapsed);
      t.downlink.update(now);
      t.measureSendRate(elapsed);
    }
    this.plan();
  };

  private plan(): void {
    const candidates = [...this.peers.values()].map(({ transport, joinOrder }) => {
      const screen = transport.producer('screen');
      return {
        participantId: transport.participantId,
        sharingScreen: screen !== undefined && !screen.paused,
        lastSpokeMs: transport.producer('microphone')?.lastSpokeMs ?? -Infinity,
        joinOrder,
      };
    });
    for (const peer of this.peers.values()) {
      const subscriber = peer.transport;
      const others = candidates.filter((c) => c.participantId !== subscriber.participantId);
      const lastN = selectLastN(others, peer.view?.pinned ?? null, this.lastN);
      const consumers = subscriber.videoConsumers();
      const videos: RemoteVideo[] = consumers.map((c) => ({
        participantId: c.producer!.participantId,
        source: c.producer!.source === 'screen' ? 'screen' : 'camera',
        layers: c.producer!.layers,
      }));
      const audioBps = subscriber.forwardedAudioBps();
      const budget = subscriber.downlink.estimateBps - audioBps;
      const { plans, audioOnly } = planForwarding(videos, peer.view, lastN, budget);
      const paused: ForwardingState['paused'] = [];
      const congested = subscriber.downlink.congested;
      const upgrades = plans.map((plan, i) => isUpgrade(consumers[i]!, plan.wanted));
      const proven = this.upgradeProven(subscriber, videos, plans, upgrades, audioBps);
      plans.forEach((plan, i) => {
        const consumer = consumers[i]!;
        // An upgrade waits for the probe. Until the link proved it carries the new layer, the
        // publisher isn't asked to send it either: resuming a layer restarts the encoder, whose new
        // keyframes on every layer would hit the link the probe is testing.
        const hold = upgrades[i] && !proven;
        consumer.setTarget(hold ? consumer.target : plan.layer);
        // On an overflowing link the current layer's packets would only deepen the queue (and be
        // lost, and resent) until the lower layer's keyframe: stop it now, a short freeze instead.
        if (congested && plan.layer !== NO_LAYER && plan.layer < consumer.current) consumer.restartAtKeyframe();
        consumer.wanted = hold ? consumer.target : plan.wanted;
        const video = videos[i]!;
        if (plan.reason && !consumer.producer!.paused) paused.push({ participantId: video.participantId, source: video.source, reason: plan.reason });
      });
      const state: ForwardingState = { paused, audioOnly };
      const key = JSON.stringify(state);
      if (key !== peer.sentForwarding) {
        peer.sentForwarding = key;
        peer.handlers.forwarding(state);
      }
    }
    for (const peer of this.peers.values()) this.dynacast(peer);
  }

  /**
   * Whether the plan's upgrades (`upgrades`, per video) may happen now: the subscriber's downlink
   * recently carried what the wanted layers cost. If not, its transport pads towards that rate
   * meanwhile. A layer the publisher doesn't send yet is probed too (at its nominal cost): it is
   * resumed only once proven.
   */
  private upgradeProven(subscriber: WebRtcTransport, videos: RemoteVideo[], plans: VideoPlan[], upgrades: boolean[], audioBps: number): boolean {
    const upgrading = upgrades.includes(true);
    let wantedBps = audioBps;
    plans.forEach((plan, i) => {
      if (plan.wanted !== NO_LAYER) wantedBps += videos[i]!.layers[plan.wanted]!.cost;
    });
    const downlink = subscriber.downlink;
    const proven = upgrading ? subscriber.probe.allowUpgrade(wantedBps, downlink.recentReceiveBps, performance.now()) : subscriber.probe.stop();
    subscriber.setPadding(subscriber.probe.paddingBps(subscriber.mediaSendBps));
    return proven;
  }

  /**
   * Tells a publisher which of its camera layers anybody receives, the quarter layer always, and
   * for a while the one a subscriber just switched up from.
   */
  private dynacast(peer: Peer): void {
    const camera = peer.transport.producer('camera');
    if (!camera?.simulcast) return;
    const active: boolean[] = new Array<boolean>(LAYER_COUNT).fill(false);
    // The quarter layer always runs (at most 150 kbit/s): someone who joins, or scrolls a tile into
    // view, gets a first picture at once instead of waiting for an encoder to start.
    active[0] = true;
    const now = performance.now();
    for (const c of camera.consumerList) {
      if (c.wanted !== NO_LAYER) active[c.wanted] = true;
      if (c.current !== NO_LAYER) active[c.current] = true; // until the switch away from it
      if (c.fallback !== NO_LAYER && now < c.fallbackUntilMs) active[c.fallback] = true;
    }
    const key = active.join();
    if (key === peer.sentLayers) return;
    peer.sentLayers = key;
    peer.handlers.publishLayers(active);
  }
}

/**
 * Going up from the layer received now: the probe's business. A first picture isn't (its layer is a
 * guess on the initial estimate, and waiting would slow every join), nor an upgrade already allowed.
 */
function isUpgrade(consumer: Consumer, layer: number): boolean {
  return consumer.current !== NO_LAYER && layer > Math.max(consumer.current, consumer.target);
}

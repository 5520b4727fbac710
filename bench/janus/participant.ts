/**
 * A synthetic participant in a Janus VideoRoom, sending and receiving what the load generator's
 * participants do with Confab: the camera as one VP8 layer from the load generator's samples plus
 * Opus audio (the load generator's Publisher), and everyone else's media counted and reassembled
 * by the load generator's Subscriber. One Janus session; a publisher handle (we offer sendonly
 * audio and video, Janus answers) and one subscriber handle for all the feeds (Janus offers, we
 * answer), each with its own PeerConnection, as Janus clients do.
 */
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { loadSamples } from '../../src/loadgen/media-samples.js';
import { Publisher } from '../../src/loadgen/publisher.js';
import { SenderSink } from '../../src/loadgen/rtp-sinks.js';
import { extensionIds, mediaSection } from '../../src/loadgen/sdp.js';
import { Subscriber } from '../../src/loadgen/subscriber.js';
import type { RemoteTrack } from '../../src/protocol/messages.js';
import { forEachKeyframeRequest } from '../../src/sfu/keyframe-requests.js';
import { disableWeriftTwcc } from '../../src/sfu/werift-patches.js';
import { JanusConnection, type JanusHandle, type JanusSession } from './api.js';
import { completeLocalSdp, connected, janusPeer } from './peer.js';

export const VIDEOROOM = 'janus.plugin.videoroom';
/** RFC 6464 level byte of a speaker, as the load generator sends it. */
const SPEAKING_LEVEL = 0x80 | 30;

interface SubscribedStream {
  mid: string;
  type: string;
  feed_id: number;
}

export class JanusParticipant {
  private publisher: Publisher | undefined;
  private readonly peers: RTCPeerConnection[] = [];
  private readonly receiving = new Map<string, RTCRtpTransceiver>();
  readonly subscriber = new Subscriber((mid) => this.requestKeyframe(mid));
  /** Our publisher id in the room, which the others subscribe to. */
  feedId = 0;

  private constructor(
    private readonly connection: JanusConnection,
    private readonly session: JanusSession,
    private readonly now: () => number,
  ) {}

  static async connect(wsUrl: string, now: () => number): Promise<JanusParticipant> {
    const connection = await JanusConnection.open(wsUrl);
    return new JanusParticipant(connection, await connection.createSession(), now);
  }

  /** A handle on the VideoRoom plugin, e.g. for creating the room. */
  attach(): Promise<JanusHandle> {
    return this.session.attach(VIDEOROOM);
  }

  /** Joins as publisher and sends camera layer `layer` and the microphone once connected. */
  async publish(room: number, name: string, layer: number): Promise<void> {
    const handle = await this.attach();
    const joined = await handle.message({ request: 'join', ptype: 'publisher', room, display: name });
    this.feedId = joined.data.id as number;
    const pc = this.peer();
    const audio = pc.addTransceiver('audio', { direction: 'sendonly' });
    const video = pc.addTransceiver('video', { direction: 'sendonly' });
    const offer = await completeLocalSdp(pc, await pc.createOffer());
    const { jsep } = await handle.message({ request: 'publish' }, { type: 'offer', sdp: offer });
    if (jsep?.type !== 'answer') throw new Error('Janus sent no answer to our offer');
    await pc.setRemoteDescription(jsep);
    await handle.trickleCompleted();
    const dtls = await connected(pc);
    const samples = loadSamples();
    const camera = new SenderSink(video.sender);
    const levelId = extensionIds(mediaSection(jsep.sdp, audio.mid!) ?? []).audioLevel;
    const microphone = new SenderSink(audio.sender, levelId === undefined ? [] : [{ id: levelId, payload: Buffer.of(SPEAKING_LEVEL) }]);
    const publisher = new Publisher([{ layer, ssrc: camera.ssrc, sink: camera, clip: samples.camera[layer]! }], { sink: microphone, packets: samples.microphone }, this.now());
    dtls.onRtcp.subscribe((packet) => forEachKeyframeRequest(packet, (ssrc) => publisher.requestKeyframe(ssrc)));
    this.publisher = publisher; // werift's senders answer NACKs themselves
  }

  /** Subscribes to these publishers' audio and video in one multistream subscription. */
  async subscribe(room: number, feeds: readonly number[]): Promise<void> {
    const handle = await this.attach();
    const { data, jsep } = await handle.message({ request: 'join', ptype: 'subscriber', room, streams: feeds.map((feed) => ({ feed })) });
    if (jsep?.type !== 'offer') throw new Error('Janus sent no subscriber offer');
    const streams = (data.streams as SubscribedStream[]).filter((s) => s.type === 'audio' || s.type === 'video');
    const pc = this.peer();
    pc.onRemoteTransceiverAdded.subscribe(disableWeriftTwcc); // as the load generator: werift's own is wrong
    await pc.setRemoteDescription(jsep);
    const answer = await completeLocalSdp(pc, await pc.createAnswer());
    const tracks: RemoteTrack[] = [];
    for (const s of streams) {
      const t = pc.getTransceivers().find((x) => x.mid === s.mid);
      const track = t?.receiver.tracks[0];
      if (!t || !track) throw new Error(`no receiver for Janus stream ${s.mid}`);
      this.receiving.set(s.mid, t);
      const kind = s.type === 'video' ? 'video' : 'audio';
      tracks.push({ mid: s.mid, participantId: String(s.feed_id), kind, source: kind === 'video' ? 'camera' : 'microphone' });
      if (kind === 'video') track.onReceiveRtp.subscribe((packet) => this.subscriber.onVideo(s.mid, packet, this.now()));
      else track.onReceiveRtp.subscribe(() => this.subscriber.onAudio());
    }
    this.subscriber.setTracks(tracks, this.now());
    await handle.message({ request: 'start' }, { type: 'answer', sdp: answer });
    await handle.trickleCompleted();
    await connected(pc);
  }

  /** Called by the shared pacing timer. */
  tick(nowMs: number): void {
    this.publisher?.tick(nowMs);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.peers.map((pc) => pc.close()));
    await this.session.destroy();
    this.connection.close();
  }

  private peer(): RTCPeerConnection {
    const pc = janusPeer();
    this.peers.push(pc);
    return pc;
  }

  /** A PLI for the stream on a receiving m-line, as a browser's stalled decoder sends. */
  private requestKeyframe(mid: string): void {
    const t = this.receiving.get(mid);
    const ssrc = t?.receiver.tracks[0]?.ssrc;
    if (t && ssrc !== undefined) void t.receiver.sendRtcpPLI(ssrc).catch(() => {});
  }
}

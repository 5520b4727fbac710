/**
 * What one synthetic participant sends: its camera (a VideoLayer per encoding: three simulcast
 * layers, or the single one) at the clip's frame rate, and, for speakers, its microphone as 20 ms
 * Opus packets. Paced by the thread's shared timer through tick(); RTP timestamps follow the wall
 * clock, the same for every layer of a frame, as a browser's simulcast encoder does.
 */
import { randomInt } from 'node:crypto';
import { OPUS_PACKET_SAMPLES, type VideoClip } from './media-samples.js';
import { Metronome } from './metronome.js';
import { VideoLayer, type RtpSink } from './video-layer.js';

const VIDEO_CLOCK = 90_000;
const AUDIO_PACKET_MS = 20;

export interface CameraEncoding {
  /** Simulcast layer index (0 lowest); with a single encoding, the layer its size matches. */
  layer: number;
  ssrc: number;
  sink: RtpSink;
  clip: VideoClip;
}

export interface Microphone {
  sink: RtpSink;
  packets: readonly Buffer[];
}

export class Publisher {
  private readonly layers: VideoLayer[];
  private readonly bySsrc = new Map<number, { layer: VideoLayer; sink: RtpSink }>();
  private readonly videoClock: Metronome;
  private readonly audioClock: Metronome;
  private readonly ticksPerFrame: number;
  private readonly videoBase = randomInt(2 ** 32);
  private readonly audioBase = randomInt(2 ** 32);
  private audioSeq = randomInt(0x10000);
  audioPacketsSent = 0;

  constructor(
    private readonly encodings: readonly CameraEncoding[],
    private readonly microphone: Microphone | null,
    nowMs: number,
  ) {
    if (encodings.length === 0) throw new Error('a camera needs at least one encoding');
    this.layers = encodings.map((e) => new VideoLayer(e.clip, e.sink));
    encodings.forEach((e, i) => this.bySsrc.set(e.ssrc, { layer: this.layers[i]!, sink: e.sink }));
    const fps = encodings[0]!.clip.framesPerSecond;
    this.ticksPerFrame = VIDEO_CLOCK / fps;
    this.videoClock = new Metronome(1000 / fps, nowMs);
    this.audioClock = new Metronome(AUDIO_PACKET_MS, nowMs);
  }

  get videoPacketsSent(): number {
    let n = 0;
    for (const l of this.layers) n += l.packetsSent;
    return n;
  }

  tick(nowMs: number): void {
    this.videoClock.run(nowMs, this.sendFrame);
    if (this.microphone) this.audioClock.run(nowMs, this.sendAudio);
  }

  /** The SFU's `publish-layers` (lowest first). A single encoding is sent while any layer is wanted. */
  setActiveLayers(active: readonly boolean[]): void {
    if (this.layers.length === 1) this.layers[0]!.setActive(active.some(Boolean));
    else this.encodings.forEach((e, i) => this.layers[i]!.setActive(active[e.layer] ?? false));
  }

  /** A PLI or FIR for one of our SSRCs. */
  requestKeyframe(ssrc: number): void {
    this.bySsrc.get(ssrc)?.layer.requestKeyframe();
  }

  /** A NACK for one of our SSRCs. */
  retransmit(ssrc: number, sequenceNumbers: readonly number[]): void {
    const sink = this.bySsrc.get(ssrc)?.sink;
    if (sink?.retransmit) for (const seq of sequenceNumbers) sink.retransmit(seq);
  }

  private readonly sendFrame = (index: number): void => {
    const timestamp = (this.videoBase + Math.round(index * this.ticksPerFrame)) >>> 0;
    for (const layer of this.layers) layer.sendFrame(timestamp);
  };

  private readonly sendAudio = (index: number): void => {
    const mic = this.microphone!;
    const timestamp = (this.audioBase + index * OPUS_PACKET_SAMPLES) >>> 0;
    // Skipped ticks were never sent, so the sequence number runs on without a gap.
    mic.sink.send(mic.packets[index % mic.packets.length]!, this.audioSeq, timestamp, this.audioPacketsSent === 0);
    this.audioSeq = (this.audioSeq + 1) & 0xffff;
    this.audioPacketsSent++;
  };
}

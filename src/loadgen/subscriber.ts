/**
 * What a synthetic participant receives, and how well: for each remote video (a participant's
 * camera or screen), frames reassembled from RTP (FrameAssembler) and freezes (FreezeDetector);
 * audio packets counted. A remote video is followed across m-line changes and a replaced
 * PeerConnection, so an outage in between counts as the freeze a viewer sees. When the SFU says it
 * holds a video back on purpose (`forwarding`: off-screen, last-N, bandwidth), it is not watched
 * meanwhile, and the time is counted by reason instead.
 */
import type { RtpPacket } from 'werift';
import type { PauseReason, RemoteTrack } from '../protocol/messages.js';
import { FrameAssembler } from './frame-assembler.js';
import { FreezeDetector, type FreezeStats } from './freeze-detector.js';

/** A stalled stream asks for a keyframe at most this often, like a browser's decoder. */
const KEYFRAME_REQUEST_INTERVAL_MS = 500;

export interface ReceiveStats {
  frames: number;
  freezes: number;
  frozenMs: number;
  observedMs: number;
  /** Remote videos watched for a while in the window that never showed a frame. */
  streamsNeverShown: number;
  /** Video-milliseconds in the window that the SFU held videos back, by its reason. */
  heldBackMs: Partial<Record<PauseReason, number>>;
  audioPackets: number;
}

class RemoteVideo {
  /** Replaced whenever the video moves to another m-line: a new RTP sequence space. */
  assembler = new FrameAssembler();
  lastKeyframeRequestMs = -Infinity;
  /** Set while the SFU holds this video back on purpose; the detector is paused meanwhile. */
  held: { reason: PauseReason; sinceMs: number } | null = null;

  constructor(
    public mid: string,
    readonly detector: FreezeDetector,
  ) {}
}

export function emptyReceiveStats(): ReceiveStats {
  return { frames: 0, freezes: 0, frozenMs: 0, observedMs: 0, streamsNeverShown: 0, heldBackMs: {}, audioPackets: 0 };
}

const videoKey = (v: { participantId: string; source: string }) => `${v.source}/${v.participantId}`;

export class Subscriber {
  /** By videoKey. */
  private readonly videos = new Map<string, RemoteVideo>();
  private byMid = new Map<string, RemoteVideo>();
  /** Figures of videos no longer watched (participant gone, held back). */
  private readonly ended = emptyReceiveStats();
  private audioPackets = 0;
  private windowStartMs = NaN;
  /** When the first remote frame could be shown; NaN until then. */
  firstFrameMs = NaN;

  constructor(private readonly requestKeyframe: (mid: string) => void) {}

  /** The latest offer's `tracks`: which m-line carries which remote video now. */
  setTracks(tracks: readonly RemoteTrack[], nowMs: number): void {
    const current = new Map(tracks.filter((t) => t.kind === 'video').map((t) => [videoKey(t), t.mid]));
    for (const [key, video] of this.videos) {
      if (current.has(key)) continue;
      // It left on purpose: counted up to its last frame.
      this.videos.delete(key);
      this.endHold(video, nowMs);
      video.detector.pause();
      addInto(this.ended, video.detector.stats(nowMs));
    }
    this.byMid = new Map();
    for (const [key, mid] of current) {
      let video = this.videos.get(key);
      if (!video) {
        const detector = new FreezeDetector(nowMs);
        if (!Number.isNaN(this.windowStartMs)) detector.startWindow(this.windowStartMs);
        video = new RemoteVideo(mid, detector);
        this.videos.set(key, video);
      } else if (video.mid !== mid) {
        video.mid = mid;
        video.assembler = new FrameAssembler();
      }
      this.byMid.set(mid, video);
    }
  }

  /** A new PeerConnection: every video starts a new RTP sequence space, even on the same mid. */
  connectionReplaced(): void {
    for (const video of this.videos.values()) video.assembler = new FrameAssembler();
  }

  /** The SFU's `forwarding.paused`: these videos are held back on purpose. */
  setHeldBack(paused: readonly { participantId: string; source: string; reason: PauseReason }[], nowMs: number): void {
    const reasons = new Map(paused.map((p) => [videoKey(p), p.reason]));
    for (const [key, video] of this.videos) {
      const reason = reasons.get(key) ?? null;
      if (reason === (video.held?.reason ?? null)) continue;
      this.endHold(video, nowMs);
      if (reason) {
        video.held = { reason, sinceMs: nowMs };
        video.detector.pause();
      } else {
        video.detector.resume(nowMs);
      }
    }
  }

  onVideo(mid: string, packet: RtpPacket, nowMs: number): void {
    const video = this.byMid.get(mid);
    if (!video) return;
    const h = packet.header;
    const shown = video.assembler.onPacket(h.sequenceNumber, h.timestamp, h.marker, packet.payload);
    if (shown > 0) {
      if (Number.isNaN(this.firstFrameMs)) this.firstFrameMs = nowMs;
      for (let i = 0; i < shown; i++) video.detector.onFrame(nowMs);
    } else if (video.assembler.stalled && nowMs - video.lastKeyframeRequestMs >= KEYFRAME_REQUEST_INTERVAL_MS) {
      video.lastKeyframeRequestMs = nowMs;
      this.requestKeyframe(mid);
    }
  }

  onAudio(): void {
    this.audioPackets++;
  }

  startWindow(nowMs: number): void {
    this.windowStartMs = nowMs;
    this.audioPackets = 0;
    for (const video of this.videos.values()) video.detector.startWindow(nowMs);
  }

  stats(nowMs: number): ReceiveStats {
    const out = { ...this.ended, heldBackMs: { ...this.ended.heldBackMs }, audioPackets: this.audioPackets };
    for (const video of this.videos.values()) {
      addInto(out, video.detector.stats(nowMs));
      if (video.held) addHeld(out, video.held.reason, this.heldInWindow(video.held.sinceMs, nowMs));
    }
    return out;
  }

  private endHold(video: RemoteVideo, nowMs: number): void {
    if (video.held) addHeld(this.ended, video.held.reason, this.heldInWindow(video.held.sinceMs, nowMs));
    video.held = null;
  }

  private heldInWindow(sinceMs: number, nowMs: number): number {
    return Number.isNaN(this.windowStartMs) ? 0 : Math.max(0, nowMs - Math.max(sinceMs, this.windowStartMs));
  }
}

function addHeld(into: ReceiveStats, reason: PauseReason, ms: number): void {
  into.heldBackMs[reason] = (into.heldBackMs[reason] ?? 0) + ms;
}

function addInto(into: ReceiveStats, s: FreezeStats): void {
  into.frames += s.frames;
  into.freezes += s.freezes;
  into.frozenMs += s.frozenMs;
  into.observedMs += s.observedMs;
  if (s.neverShown) into.streamsNeverShown++;
}

/**
 * What we receive from each remote participant, read from one `RTCPeerConnection.getStats()`
 * report: the inbound-rtp streams, mapped to participants by mid through the offer's `tracks`
 * (the same map the media uses), and the round-trip time to the SFU. Counters are cumulative; the
 * active speaker and the connection quality come from the difference between two readings.
 */
import type { RemoteTrack } from '../../protocol/messages.js';
import type { VideoReading } from './frame-stalls.js';

export interface InboundCounters {
  /** Sum of audioLevel² × duration over the received audio (totalAudioEnergy). */
  audioEnergy: number;
  /** Seconds of received audio played out (totalSamplesDuration). */
  audioDuration: number;
  packetsReceived: number;
  packetsLost: number;
  /** Audio jitter in seconds, null without audio. */
  jitter: number | null;
  /** Decoded video frames per second, null without video. */
  framesPerSecond: number | null;
}

/** One remote video's decoding progress (for FrameStallDetector). */
export interface VideoProgress extends VideoReading {
  participantId: string;
  source: 'camera' | 'screen';
}

export interface InboundSnapshot {
  /** Milliseconds, on the caller's clock. */
  at: number;
  byParticipant: Map<string, InboundCounters>;
  /** Each remote video by mid. */
  videos: Map<string, VideoProgress>;
  /** Seconds from us to the SFU and back, when known. */
  rtt: number | null;
}

type Stats = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function readInbound(report: Iterable<Stats>, tracks: readonly RemoteTrack[], at: number): InboundSnapshot {
  const owners = new Map(tracks.map((t) => [t.mid, t]));
  const byParticipant = new Map<string, InboundCounters>();
  const videos = new Map<string, VideoProgress>();
  const pairs = new Map<string, Stats>();
  let selectedPair: string | null = null;
  for (const s of report) {
    if (s.type === 'candidate-pair') pairs.set(String(s.id), s);
    else if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') selectedPair = s.selectedCandidatePairId;
    if (s.type !== 'inbound-rtp') continue;
    const owner = owners.get(String(s.mid));
    if (!owner) continue;
    let c = byParticipant.get(owner.participantId);
    if (!c) byParticipant.set(owner.participantId, (c = { audioEnergy: 0, audioDuration: 0, packetsReceived: 0, packetsLost: 0, jitter: null, framesPerSecond: null }));
    c.packetsReceived += num(s.packetsReceived) ?? 0;
    c.packetsLost += Math.max(0, num(s.packetsLost) ?? 0);
    if (owner.kind === 'audio') {
      c.audioEnergy += num(s.totalAudioEnergy) ?? 0;
      c.audioDuration += num(s.totalSamplesDuration) ?? 0;
      c.jitter = num(s.jitter);
    } else {
      // A shared screen's frame rate follows its content (a still slide sends few frames), not the connection.
      if (owner.source === 'camera') c.framesPerSecond = num(s.framesPerSecond);
      const packets = (num(s.packetsReceived) ?? 0) - (num(s.retransmittedPacketsReceived) ?? 0);
      videos.set(owner.mid, { participantId: owner.participantId, source: owner.source === 'screen' ? 'screen' : 'camera', packets, framesDecoded: num(s.framesDecoded) ?? 0 });
    }
  }
  const pair = selectedPair ? pairs.get(selectedPair) : [...pairs.values()].find((p) => p.nominated && p.state === 'succeeded');
  return { at, byParticipant, videos, rtt: num(pair?.currentRoundTripTime) };
}

/** Each participant's audio level (RMS, 0..1) between two readings; 0 when nothing was played. */
export function audioLevels(prev: InboundSnapshot, next: InboundSnapshot): Map<string, number> {
  const levels = new Map<string, number>();
  for (const [id, n] of next.byParticipant) {
    const p = prev.byParticipant.get(id);
    const duration = p ? n.audioDuration - p.audioDuration : 0;
    const energy = p ? n.audioEnergy - p.audioEnergy : 0;
    levels.set(id, duration > 0 && energy > 0 ? Math.min(1, Math.sqrt(energy / duration)) : 0);
  }
  return levels;
}

/**
 * Reads the PeerConnection's receive statistics while connected: every POLL_MS each remote
 * participant's audio level (for the active speaker) and whether a remote video stalled, and every
 * QUALITY_MS their connection quality. One getStats() call serves all; a poll is skipped while the
 * previous one still runs.
 */
import type { ParticipantInfo, RemoteTrack } from '../../protocol/messages.js';
import { measuresBetween, rateConnection, type ConnectionQuality } from './connection-quality.js';
import { FrameStallDetector } from './frame-stalls.js';
import { audioLevels, readInbound, type InboundSnapshot } from './inbound-stats.js';

export const POLL_MS = 300;
const QUALITY_MS = 2000;

export interface StatsSource {
  readonly pc: RTCPeerConnection | null;
  readonly tracks: RemoteTrack[];
  readonly participants: ReadonlyMap<string, ParticipantInfo>;
}

export interface StatsHandlers {
  levels(levels: Map<string, number>, now: number): void;
  quality(participantId: string, quality: ConnectionQuality): void;
  /** This remote video gets packets but decodes no frame: ask for a keyframe. */
  stalled(participantId: string, source: 'camera' | 'screen'): void;
}

/** Starts polling; returns the function that stops it. */
export function monitorStats(source: StatsSource, handlers: StatsHandlers): () => void {
  let pc: RTCPeerConnection | null = null;
  let last: InboundSnapshot | null = null;
  let qualityFrom: InboundSnapshot | null = null;
  let stalls = new FrameStallDetector();
  let busy = false;
  const poll = async () => {
    const current = source.pc;
    if (current !== pc || current?.connectionState !== 'connected') {
      // A new connection counts from zero again.
      pc = current;
      last = qualityFrom = null;
      stalls = new FrameStallDetector();
      if (current?.connectionState !== 'connected') return;
    }
    const report = await current.getStats();
    const snapshot = readInbound(report.values(), source.tracks, performance.now());
    if (last) handlers.levels(audioLevels(last, snapshot), snapshot.at);
    for (const mid of stalls.check(snapshot.videos, snapshot.at)) {
      const video = snapshot.videos.get(mid)!;
      handlers.stalled(video.participantId, video.source);
    }
    last = snapshot;
    if (!qualityFrom) qualityFrom = snapshot;
    if (snapshot.at - qualityFrom.at < QUALITY_MS) return;
    for (const id of snapshot.byParticipant.keys()) {
      const measures = measuresBetween(qualityFrom, snapshot, id, source.participants.get(id)?.videoMuted === false);
      if (measures) handlers.quality(id, rateConnection(measures));
    }
    qualityFrom = snapshot;
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    poll()
      .catch(() => undefined) // closed meanwhile: the next poll starts over
      .finally(() => (busy = false));
  }, POLL_MS);
  return () => clearInterval(timer);
}

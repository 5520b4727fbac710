/**
 * How well a remote participant reaches us, in three levels, from what we received over the last
 * few seconds: packet loss (theirs to the SFU and the SFU's to us), audio jitter, our round-trip
 * time to the SFU, and the video frame rate while their camera is on. The worst measure decides.
 */
import type { InboundCounters, InboundSnapshot } from './inbound-stats.js';

export type ConnectionQuality = 'good' | 'fair' | 'poor';

export interface QualityMeasures {
  /** Lost / (received + lost) packets, 0..1. */
  lossRatio: number;
  /** Seconds. */
  jitter: number | null;
  /** Seconds. */
  rtt: number | null;
  /** Null when there is no video to judge (camera off). */
  framesPerSecond: number | null;
}

/** Limits for "fair" and "poor": e.g. 3 % loss makes a call choppy, 10 % barely usable. */
const LIMITS = {
  lossRatio: { fair: 0.03, poor: 0.1 },
  jitter: { fair: 0.03, poor: 0.1 },
  rtt: { fair: 0.3, poor: 0.6 },
} as const;
/** Frame rates at or below which video looks jerky, or like a slide show. */
const FPS = { fair: 12, poor: 5 } as const;

export function rateConnection(m: QualityMeasures): ConnectionQuality {
  let worst: ConnectionQuality = 'good';
  const note = (q: ConnectionQuality) => {
    if (q === 'poor' || (q === 'fair' && worst === 'good')) worst = q;
  };
  for (const key of ['lossRatio', 'jitter', 'rtt'] as const) {
    const v = m[key];
    if (v === null) continue;
    if (v >= LIMITS[key].poor) note('poor');
    else if (v >= LIMITS[key].fair) note('fair');
  }
  if (m.framesPerSecond !== null) {
    if (m.framesPerSecond <= FPS.poor) note('poor');
    else if (m.framesPerSecond <= FPS.fair) note('fair');
  }
  return worst;
}

/**
 * The measures for one participant between two readings; null when nothing arrived from them
 * meanwhile (both muted, or a new connection), which says nothing about their connection.
 */
export function measuresBetween(prev: InboundSnapshot, next: InboundSnapshot, id: string, videoOn: boolean): QualityMeasures | null {
  const p: InboundCounters | undefined = prev.byParticipant.get(id);
  const n = next.byParticipant.get(id);
  if (!p || !n) return null;
  const received = n.packetsReceived - p.packetsReceived;
  const lost = Math.max(0, n.packetsLost - p.packetsLost);
  if (received <= 0) return null;
  return {
    lossRatio: lost / (received + lost),
    jitter: n.jitter,
    rtt: next.rtt,
    framesPerSecond: videoOn ? n.framesPerSecond : null,
  };
}

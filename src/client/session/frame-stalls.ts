/**
 * Finds remote videos that stalled: their media packets keep arriving, yet no frame was decoded for
 * STALL_MS. Chromium asks the sender for a keyframe only after 3 s without a decodable frame, and
 * the picture stands still all that time; such stalls happen on a steady layer with every packet
 * there (see docs/sfu.md). A keyframe ends them, so the client asks the SFU for one after STALL_MS.
 */
/** Longer than loss recovery by retransmission takes on most links (a few round trips). */
export const STALL_MS = 800;
/** Asked again for the same video at most this often, while it stays stalled. */
const RETRY_MS = 1000;
/** Media packets since the last decoded frame that make a stall (a paused video gets none). */
const MIN_PACKETS = 5;

export interface VideoReading {
  /** Media packets received, retransmissions and padding not counted (cumulative). */
  packets: number;
  framesDecoded: number;
}

interface Progress {
  frames: number;
  packetsAtFrame: number;
  frameAt: number;
  askedAt: number;
}

export class FrameStallDetector {
  private readonly videos = new Map<string, Progress>();

  /** `readings` by a key per video (its mid); returns the keys of those to ask a keyframe for now. */
  check(readings: ReadonlyMap<string, VideoReading>, now: number): string[] {
    const stalled: string[] = [];
    for (const [key, r] of readings) {
      const v = this.videos.get(key);
      if (!v || r.framesDecoded !== v.frames) {
        this.videos.set(key, { frames: r.framesDecoded, packetsAtFrame: r.packets, frameAt: now, askedAt: v?.askedAt ?? -Infinity });
        continue;
      }
      if (now - v.frameAt >= STALL_MS && r.packets - v.packetsAtFrame >= MIN_PACKETS && now - v.askedAt >= RETRY_MS) {
        v.askedAt = now;
        stalled.push(key);
      }
    }
    for (const key of this.videos.keys()) if (!readings.has(key)) this.videos.delete(key);
    return stalled;
  }
}

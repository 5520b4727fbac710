/**
 * Finds remote videos that stalled: their media packets keep arriving, yet no frame was decoded for
 * STALL_MS. Chromium asks the sender for a keyframe only after 3 s without a decodable frame, and
 * the picture stands still all that time; such stalls happen on a steady layer with every packet
 * there (see docs/sfu.md). A keyframe ends them, so the client asks the SFU for one after STALL_MS.
 */
/** Longer than loss recovery by retransmission takes on most links (a few round trips). */
export const STALL_MS = 800;
/**
 * While a video stays stalled it is asked for again after RETRY_MS, then after twice as long each
 * time, up to MAX_RETRY_MS: a stall a keyframe doesn't end (a participant without the meeting's key
 * decodes nothing) must not make its publisher send keyframes every second.
 */
const RETRY_MS = 1000;
const MAX_RETRY_MS = 16_000;
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
  /** When it may be asked for next. */
  askAt: number;
  retryMs: number;
}

export class FrameStallDetector {
  private readonly videos = new Map<string, Progress>();

  /** `readings` by a key per video (its mid); returns the keys of those to ask a keyframe for now. */
  check(readings: ReadonlyMap<string, VideoReading>, now: number): string[] {
    const stalled: string[] = [];
    for (const [key, r] of readings) {
      const v = this.videos.get(key);
      if (!v || r.framesDecoded !== v.frames) {
        // Decoding (again): the next stall is judged afresh, STALL_MS after its last frame.
        this.videos.set(key, { frames: r.framesDecoded, packetsAtFrame: r.packets, askAt: now + STALL_MS, retryMs: RETRY_MS });
        continue;
      }
      if (now >= v.askAt && r.packets - v.packetsAtFrame >= MIN_PACKETS) {
        v.askAt = now + v.retryMs;
        v.retryMs = Math.min(MAX_RETRY_MS, v.retryMs * 2);
        stalled.push(key);
      }
    }
    for (const key of this.videos.keys()) if (!readings.has(key)) this.videos.delete(key);
    return stalled;
  }
}

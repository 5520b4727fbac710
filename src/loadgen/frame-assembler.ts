/**
 * Counts the frames a receiver could show from one video stream, reassembled from RTP as a jitter
 * buffer does: a frame is the run of packets from a VP8 frame start to the packet with the marker
 * bit, with one timestamp and no sequence gap. A complete frame counts only if it is decodable: a
 * keyframe newer than the last shown frame, or the frame right after the last shown one (a VP8 delta
 * frame needs its predecessor). So a lost frame stalls the stream until a retransmission fills it
 * or a keyframe arrives, as in a browser. Typed-array ring, no allocation per packet.
 */
import { isVp8KeyframeStart } from '../sfu/vp8.js';
import { isVp8FrameStart } from './vp8-payload.js';

const RING = 2048;
const MASK = RING - 1;
/** Longest frame we look for (packets); a 720p keyframe of the samples is about 12. */
const MAX_FRAME_PACKETS = 512;
const START = 1;
const MARKER = 2;
const KEY = 4;

export class FrameAssembler {
  /** Extended (unwrapped) sequence number held in each slot, -1 for none. */
  private readonly seqs = new Float64Array(RING).fill(-1);
  private readonly timestamps = new Uint32Array(RING);
  private readonly flags = new Uint8Array(RING);
  private highest = -1;
  /** Extended sequence number the next decodable delta frame starts at; -1 before the first frame. */
  private nextFrameSeq = -1;
  /**
   * A complete frame can't be shown because one before it is missing: the decoder would ask for a
   * keyframe. Cleared by the next frame shown.
   */
  stalled = false;

  /** Returns how many frames became showable with this packet (a retransmission may free several). */
  onPacket(sequenceNumber: number, timestamp: number, marker: boolean, payload: Uint8Array): number {
    const seq = this.extend(sequenceNumber);
    if (seq < this.highest - RING / 2) return 0; // too old to matter
    const slot = seq & MASK;
    this.seqs[slot] = seq;
    this.timestamps[slot] = timestamp;
    let flags = marker ? MARKER : 0;
    if (isVp8FrameStart(payload)) flags |= isVp8KeyframeStart(payload) ? START | KEY : START;
    this.flags[slot] = flags;
    const start = this.frameStart(seq, timestamp);
    return start < 0 ? 0 : this.showFrom(start);
  }

  private extend(sequenceNumber: number): number {
    if (this.highest < 0) {
      // Start one wrap in, so early reordering can't go negative.
      this.highest = sequenceNumber + 0x10000;
      return this.highest;
    }
    const delta = ((sequenceNumber - this.highest + 0x8000) & 0xffff) - 0x8000;
    const seq = this.highest + delta;
    if (seq > this.highest) this.highest = seq;
    return seq;
  }

  private has(seq: number, timestamp: number): boolean {
    const slot = seq & MASK;
    return this.seqs[slot] === seq && this.timestamps[slot] === timestamp;
  }

  /** First packet of the frame `seq` belongs to, or -1 while a packet before it is missing. */
  private frameStart(seq: number, timestamp: number): number {
    for (let s = seq; s > seq - MAX_FRAME_PACKETS; s--) {
      if (!this.has(s, timestamp)) return -1;
      if (this.flags[s & MASK]! & START) return s;
    }
    return -1;
  }

  /** Last packet of the frame starting at `start`, or -1 while one is missing. */
  private frameEnd(start: number): number {
    const timestamp = this.timestamps[start & MASK]!;
    for (let s = start; s < start + MAX_FRAME_PACKETS; s++) {
      if (!this.has(s, timestamp)) return -1;
      if (this.flags[s & MASK]! & MARKER) return s;
    }
    return -1;
  }

  private showFrom(first: number): number {
    let shown = 0;
    let start = first;
    for (;;) {
      const end = this.frameEnd(start);
      if (end < 0) return shown;
      const key = (this.flags[start & MASK]! & KEY) !== 0;
      const decodable = key ? start >= this.nextFrameSeq : start === this.nextFrameSeq;
      if (!decodable) {
        if (start > this.nextFrameSeq) this.stalled = true;
        return shown;
      }
      this.stalled = false;
      shown++;
      this.nextFrameSeq = end + 1;
      // The following frame may have been complete already, waiting for this one.
      start = end + 1;
      const slot = start & MASK;
      if (this.seqs[slot] !== start || !(this.flags[slot]! & START)) return shown;
    }
  }
}

/**
 * One encoding of a synthetic camera: loops its clip frame by frame into RTP packets with
 * continuous sequence numbers and VP8 PictureIDs (the caller gives the timestamp). A keyframe
 * request, or being switched on again after a pause, makes the next frame sent the next keyframe
 * of the clip, as an encoder would answer with a fresh keyframe.
 */
import { randomInt } from 'node:crypto';
import type { VideoClip } from './media-samples.js';
import { MAX_SLICE_BYTES, VP8_DESCRIPTOR_BYTES, writeVp8Payload } from './vp8-payload.js';

/** Where a stream's packets go: our own SRTP sender for a simulcast layer, or werift's sender. */
export interface RtpSink {
  /** `payload` is only valid during the call. */
  send(payload: Buffer, sequenceNumber: number, timestamp: number, marker: boolean): void;
  /** Resends a packet a NACK asked for; absent where werift answers NACKs itself. */
  retransmit?(sequenceNumber: number): void;
}

export class VideoLayer {
  private cursor = 0;
  private sequenceNumber = randomInt(0x10000);
  private pictureId = randomInt(0x8000);
  private keyframeWanted = false;
  private on = true;
  private readonly scratch = Buffer.alloc(VP8_DESCRIPTOR_BYTES + MAX_SLICE_BYTES);
  packetsSent = 0;

  constructor(
    private readonly clip: VideoClip,
    private readonly sink: RtpSink,
  ) {}

  /** Dynacast: an inactive layer sends nothing; once active again it starts at a keyframe. */
  setActive(active: boolean): void {
    if (active && !this.on) this.keyframeWanted = true;
    this.on = active;
  }

  requestKeyframe(): void {
    this.keyframeWanted = true;
  }

  sendFrame(timestamp: number): void {
    if (!this.on) return;
    const frames = this.clip.frames;
    if (this.keyframeWanted) {
      this.keyframeWanted = false;
      this.cursor = this.clip.nextKeyframe[this.cursor]!;
    }
    const slices = frames[this.cursor]!.slices;
    this.cursor = (this.cursor + 1) % frames.length;
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    const last = slices.length - 1;
    for (let i = 0; i <= last; i++) {
      const length = writeVp8Payload(this.scratch, slices[i]!, i === 0, this.pictureId);
      this.sink.send(this.scratch.subarray(0, length), this.sequenceNumber, timestamp, i === last);
      this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    }
    this.packetsSent += slices.length;
  }
}

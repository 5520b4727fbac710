/**
 * VP8 RTP payloads as a browser sends them (RFC 7741): a 4-byte payload descriptor with a 15-bit
 * PictureID (X=1, I=1, M=1; no TL0PICIDX or TID), then a slice of the frame. The frame is split
 * once into slices; the descriptor is written at send time, because the PictureID runs on across
 * loops of the clip.
 */

export const VP8_DESCRIPTOR_BYTES = 4;
/**
 * Frame bytes per packet: with the descriptor, RTP header, header extensions and the SRTP tag the
 * datagram stays near 1200 bytes, as in browsers.
 */
export const MAX_SLICE_BYTES = 1100;

/** Splits a frame into slices of at most `maxSlice` bytes, as equal as possible (views, no copy). */
export function sliceFrame(frame: Buffer, maxSlice = MAX_SLICE_BYTES): Buffer[] {
  const count = Math.max(1, Math.ceil(frame.length / maxSlice));
  const size = Math.ceil(frame.length / count);
  const slices: Buffer[] = [];
  for (let at = 0; at < frame.length; at += size) slices.push(frame.subarray(at, Math.min(frame.length, at + size)));
  return slices;
}

/**
 * Writes descriptor and slice into `target` (at least VP8_DESCRIPTOR_BYTES + slice bytes) and
 * returns the payload length. `first`: this slice starts the frame (S=1, partition index 0).
 */
export function writeVp8Payload(target: Buffer, slice: Uint8Array, first: boolean, pictureId: number): number {
  target[0] = first ? 0x90 : 0x80; // X=1, N=0, S, PID=0
  target[1] = 0x80; // I=1
  target[2] = 0x80 | ((pictureId >> 8) & 0x7f); // M=1: 15-bit PictureID
  target[3] = pictureId & 0xff;
  target.set(slice, VP8_DESCRIPTOR_BYTES);
  return VP8_DESCRIPTOR_BYTES + slice.length;
}

/** Start of a frame: S=1 and partition index 0. */
export function isVp8FrameStart(payload: Uint8Array): boolean {
  return payload.length > 0 && (payload[0]! & 0x1f) === 0x10;
}

/**
 * Reads VP8 clips in IVF, the plain container ffmpeg and libvpx write: a 32-byte file header, then
 * each frame as a 12-byte header (size, timestamp) and the frame. See scripts/make-load-samples.sh.
 */

export interface VideoFrame {
  data: Buffer;
  keyframe: boolean;
}

export interface IvfClip {
  width: number;
  height: number;
  framesPerSecond: number;
  frames: VideoFrame[];
}

const FILE_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 12;

/** RFC 6386 9.1: bit 0 of the frame tag is 0 for a keyframe. */
export function isVp8Keyframe(frame: Uint8Array): boolean {
  return frame.length > 0 && (frame[0]! & 0x01) === 0;
}

export function parseIvf(file: Buffer): IvfClip {
  if (file.length < FILE_HEADER_BYTES || file.toString('latin1', 0, 4) !== 'DKIF') throw new Error('not an IVF file');
  if (file.toString('latin1', 8, 12) !== 'VP80') throw new Error('IVF clip is not VP8');
  const headerBytes = file.readUInt16LE(6);
  // The time base is denominator/numerator ticks per second; ffmpeg writes the frame rate there.
  const rate = file.readUInt32LE(16);
  const scale = file.readUInt32LE(20);
  const frames: VideoFrame[] = [];
  let at = headerBytes;
  while (at + FRAME_HEADER_BYTES <= file.length) {
    const size = file.readUInt32LE(at);
    const start = at + FRAME_HEADER_BYTES;
    if (size === 0 || start + size > file.length) throw new Error(`truncated IVF frame ${frames.length}`);
    const data = file.subarray(start, start + size);
    frames.push({ data, keyframe: isVp8Keyframe(data) });
    at = start + size;
  }
  if (frames.length === 0 || !frames[0]!.keyframe) throw new Error('IVF clip must start with a keyframe');
  if (rate === 0 || scale === 0) throw new Error('IVF clip has no frame rate');
  return { width: file.readUInt16LE(12), height: file.readUInt16LE(14), framesPerSecond: rate / scale, frames };
}

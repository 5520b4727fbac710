/** Test helpers: small synthetic media files and a sink that records what would be sent. */
import type { RtpSink } from './video-layer.js';

/** An IVF file (VP8, 30 fps, 320x180) with these frames; bit 0 of a frame's first byte clear = keyframe. */
export function ivfFile(frames: Buffer[], fourcc = 'VP80'): Buffer {
  const header = Buffer.alloc(32);
  header.write('DKIF', 0, 'latin1');
  header.writeUInt16LE(32, 6);
  header.write(fourcc, 8, 'latin1');
  header.writeUInt16LE(320, 12);
  header.writeUInt16LE(180, 14);
  header.writeUInt32LE(30, 16);
  header.writeUInt32LE(1, 20);
  header.writeUInt32LE(frames.length, 24);
  const parts: Buffer[] = [header];
  frames.forEach((f, i) => {
    const h = Buffer.alloc(12);
    h.writeUInt32LE(f.length, 0);
    h.writeBigUInt64LE(BigInt(i), 4);
    parts.push(h, f);
  });
  return Buffer.concat(parts);
}

/** A frame of `size` bytes whose first byte marks it key or delta and names it by `id`. */
export function vp8Frame(keyframe: boolean, id: number, size = 10): Buffer {
  const frame = Buffer.alloc(size, id);
  frame[0] = keyframe ? 0x10 : 0x11;
  return frame;
}

export interface SentPacket {
  payload: Buffer;
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
}

export class RecordingSink implements RtpSink {
  readonly sent: SentPacket[] = [];
  readonly retransmitted: number[] = [];

  send(payload: Buffer, sequenceNumber: number, timestamp: number, marker: boolean): void {
    this.sent.push({ payload: Buffer.from(payload), sequenceNumber, timestamp, marker });
  }

  retransmit(sequenceNumber: number): void {
    this.retransmitted.push(sequenceNumber);
  }
}

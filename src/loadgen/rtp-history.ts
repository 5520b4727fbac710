/**
 * The last packets of one SSRC, kept for retransmission when the SFU sends a NACK (werift keeps
 * its own for the streams it sends; our simulcast layers need this). Fixed buffers, reused.
 */
const SLOTS = 128; // as werift's sender: about 1 s of a 720p layer

export interface StoredPacket {
  payload: Buffer;
  timestamp: number;
  marker: boolean;
}

export class RtpHistory {
  private readonly buffers: Buffer[] = [];
  private readonly lengths = new Uint16Array(SLOTS);
  private readonly seqs = new Int32Array(SLOTS).fill(-1);
  private readonly timestamps = new Uint32Array(SLOTS);
  private readonly markers = new Uint8Array(SLOTS);

  constructor(private readonly maxPayloadBytes: number) {}

  keep(payload: Buffer, sequenceNumber: number, timestamp: number, marker: boolean): void {
    const slot = sequenceNumber % SLOTS;
    const buffer = (this.buffers[slot] ??= Buffer.alloc(this.maxPayloadBytes));
    const length = payload.copy(buffer, 0, 0, Math.min(payload.length, this.maxPayloadBytes));
    this.lengths[slot] = length;
    this.seqs[slot] = sequenceNumber;
    this.timestamps[slot] = timestamp;
    this.markers[slot] = marker ? 1 : 0;
  }

  /** The packet with this sequence number, if still held. */
  get(sequenceNumber: number): StoredPacket | undefined {
    const slot = sequenceNumber % SLOTS;
    if (this.seqs[slot] !== sequenceNumber) return undefined;
    return { payload: this.buffers[slot]!.subarray(0, this.lengths[slot]), timestamp: this.timestamps[slot]!, marker: this.markers[slot] === 1 };
  }
}

/**
 * Receiver-side transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01, RTCP RTPFB PT=205 FMT=15).
 *
 * One builder per bundled transport: every RTP packet carrying the transport-wide
 * sequence number is recorded with onPacket(); a timer calls build() to get the
 * feedback for everything recorded since the previous build().
 *
 * Window rules (all sequence numbers are "extended": unwrapped to a monotonic number):
 * - Each extended seq is reported exactly once. build() covers [next, highest]; afterwards
 *   next = highest + 1. Packets arriving for an already reported seq are ignored (the
 *   sender already counted them as lost), duplicates keep their first arrival time.
 *   A late packet for a seq below the window that was never reported (reordering around
 *   the first packet or a restart) extends the window backwards.
 * - A packet whose seq is more than MAX_JUMP away (either direction) from the highest seq
 *   seen is taken as a restart of the sender's counter (or a multi-second outage): the
 *   unreported window is discarded and a new one starts at that packet. This avoids
 *   emitting thousands of "not received" symbols, and keeps 16-bit unwrapping sane
 *   after jumps near 32768.
 * - If build() is not called for so long that the unreported window exceeds RING_SIZE
 *   seqs, the oldest unreported seqs are dropped (never reported).
 *
 * Output format choices:
 * - Packets are padded to a 32-bit boundary with zero bytes after the last receive delta,
 *   counted in the length field, with the P bit NOT set. This is the "zero padding" of
 *   the draft's figure (and what Chrome produces); it also keeps each packet legal inside
 *   an RTCP compound, where RFC 3550 allows the P bit only on the last packet.
 * - A feedback packet is ended (and the next one begins with its own reference time) when
 *   the next chunk would push it over maxPacketBytes (rounded down to a multiple of 4),
 *   or when a receive delta does not fit in a signed 16-bit value.
 */

/** Ring capacity (power of two): max unreported seqs kept. */
export const RING_SIZE = 1 << 14;
const MASK = RING_SIZE - 1;
/** Larger seq jumps restart the window (see header comment). */
export const MAX_JUMP = 4096;

const HEADER_BYTES = 20;
const MIN_PACKET_BYTES = 24; // header + one chunk + one 2-byte delta: guarantees progress
const REF_TIME_US = 64_000;
const DELTA_US = 250;
const MAX_RUN = 0x1fff; // 13-bit run length

export class TransportFeedbackBuilder {
  private readonly senderSsrc: number;
  private readonly maxBytes: number;
  /** Arrival time (µs) per extended seq & MASK; NaN = not received. */
  private readonly arrivals = new Float64Array(RING_SIZE).fill(NaN);
  private started = false;
  private highest = 0; // highest extended seq received
  private next = 0; // first extended seq of the unreported window
  private floor = -Infinity; // every extended seq below this has been reported
  private fbCount = 0;
  // build() scratch: per-seq symbol (0 lost, 1 small, 2 large delta) and delta in 250 µs units.
  private readonly syms = new Uint8Array(RING_SIZE);
  private readonly deltas = new Int32Array(RING_SIZE);

  constructor(senderSsrc: number, options?: { maxPacketBytes?: number }) {
    this.senderSsrc = senderSsrc >>> 0;
    const max = options?.maxPacketBytes ?? 1200;
    if (!(max >= MIN_PACKET_BYTES)) throw new RangeError(`maxPacketBytes must be >= ${MIN_PACKET_BYTES}`);
    this.maxBytes = Math.floor(max / 4) * 4; // padding must fit too
  }

  onPacket(seq: number, arrivalUs: number): void {
    if (!Number.isFinite(arrivalUs)) return; // NaN marks "not received" in the ring
    if (!this.started) {
      this.started = true;
      this.restart(seq & 0xffff, arrivalUs);
      return;
    }
    // Signed 16-bit distance from the highest seq; bit ops take ToInt32 (mod 2^32),
    // so the low 16 bits stay exact even for extended seqs beyond 2^31.
    const d = ((seq - this.highest) << 16) >> 16;
    const ext = this.highest + d;
    if (d > MAX_JUMP || d < -MAX_JUMP) {
      this.restart(ext, arrivalUs);
      return;
    }
    const a = this.arrivals;
    if (d > 0) {
      for (let e = this.highest + 1; e < ext; e++) a[e & MASK] = NaN; // gap: not received (yet)
      this.highest = ext;
      if (ext - this.next >= RING_SIZE) this.next = ext - RING_SIZE + 1; // ring full: drop oldest
    } else if (ext < this.next) {
      if (ext < this.floor) return; // already reported
      for (let e = ext + 1; e < this.next; e++) a[e & MASK] = NaN; // |d| <= MAX_JUMP < RING_SIZE
      this.next = ext;
    } else if (!Number.isNaN(a[ext & MASK]!)) {
      return; // duplicate
    }
    a[ext & MASK] = arrivalUs;
  }

  build(mediaSsrc: number): Buffer | null {
    if (!this.started || this.next > this.highest) return null;
    const out: Buffer[] = [];
    const end = this.highest;
    for (let cur = this.next; cur <= end; ) cur = this.buildOne(cur, end, mediaSsrc >>> 0, out);
    this.next = this.floor = end + 1;
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  private restart(ext: number, arrivalUs: number): void {
    this.highest = ext;
    this.next = ext;
    this.floor = -Infinity; // new sequence space: nothing of it has been reported
    this.arrivals[ext & MASK] = arrivalUs;
  }

  /** Emits one feedback packet starting at extended seq `cur`; returns the first seq not covered. */
  private buildOne(cur: number, end: number, mediaSsrc: number, out: Buffer[]): number {
    const a = this.arrivals, syms = this.syms, deltas = this.deltas;
    // Reference time from the first received packet (end is always received).
    let first = cur;
    while (Number.isNaN(a[first & MASK]!)) first++;
    const refTime = Math.floor(a[first & MASK]! / REF_TIME_US);

    // Symbols/deltas up to `end` or the first delta that needs a new packet. Deltas are
    // taken against the *reported* time so rounding errors never accumulate.
    let reported = refTime * REF_TIME_US;
    let n = 0;
    for (let e = cur; e <= end; e++, n++) {
      const t = a[e & MASK]!;
      if (Number.isNaN(t)) {
        syms[n] = 0;
        continue;
      }
      const d = Math.round((t - reported) / DELTA_US);
      if (d < -0x8000 || d > 0x7fff) break;
      syms[n] = d >= 0 && d <= 0xff ? 1 : 2;
      deltas[n] = d;
      reported += d * DELTA_US;
    }

    // Greedy chunking under the size budget. A symbol's delta size in bytes equals its value.
    const chunks: number[] = [];
    let bytes = HEADER_BYTES;
    let i = 0;
    while (i < n) {
      const s = syms[i]!;
      let run = 1;
      while (i + run < n && run < MAX_RUN && syms[i + run] === s) run++;
      const vecEnd = Math.min(n, i + 14);
      let oneBit = true;
      for (let k = i; k < vecEnd; k++) if (syms[k] === 2) { oneBit = false; break; }
      const vecLen = Math.min(oneBit ? 14 : 7, n - i);
      // Run-length when it covers at least what a vector chunk would.
      const rle = run >= vecLen;
      const cover = rle ? run : vecLen;
      // Shrink the chunk to what still fits; a short vector is fine at the packet's end.
      const room = this.maxBytes - bytes - 2;
      let take = 0, db = 0;
      while (take < cover && db + syms[i + take]! <= room) db += syms[i + take++]!;
      if (take === 0) break;
      let chunk: number;
      if (rle) chunk = (s << 13) | take;
      else if (oneBit) {
        chunk = 0x8000;
        for (let k = 0; k < take; k++) chunk |= syms[i + k]! << (13 - k);
      } else {
        chunk = 0xc000;
        for (let k = 0; k < take; k++) chunk |= syms[i + k]! << (12 - 2 * k);
      }
      chunks.push(chunk);
      bytes += 2 + db;
      i += take;
      if (take < cover) break; // budget exhausted
    }

    // Serialize; Buffer.alloc zero-fills, which provides the trailing zero padding.
    const total = (bytes + 3) & ~3;
    const buf = Buffer.alloc(total);
    buf[0] = 0x80 | 15; // V=2, P=0, FMT=15
    buf[1] = 205;
    buf.writeUInt16BE(total / 4 - 1, 2);
    buf.writeUInt32BE(this.senderSsrc, 4);
    buf.writeUInt32BE(mediaSsrc, 8);
    buf.writeUInt16BE(cur & 0xffff, 12);
    buf.writeUInt16BE(i, 14);
    buf.writeUIntBE(refTime & 0xffffff, 16, 3);
    buf[19] = this.fbCount;
    this.fbCount = (this.fbCount + 1) & 0xff;
    let off = HEADER_BYTES;
    for (const c of chunks) off = buf.writeUInt16BE(c, off);
    for (let k = 0; k < i; k++) {
      if (syms[k] === 1) buf[off++] = deltas[k]!;
      else if (syms[k] === 2) off = buf.writeInt16BE(deltas[k]!, off);
    }
    out.push(buf);
    return cur + i;
  }
}

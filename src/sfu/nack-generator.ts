/**
 * Receiver-side NACK for one RTP stream (one SSRC). werift keeps a single NACK state per m-line,
 * which breaks when a simulcast m-line carries three SSRCs, so the SFU tracks losses per layer.
 * Each missing sequence number is asked for up to MAX_TRIES times, RETRY_MS apart, and forgotten
 * after GIVE_UP_MS (a keyframe request is cheaper than an old retransmission by then).
 */
const CAPACITY = 256; // outstanding losses kept at most; a bigger gap is an outage, not loss
const RETRY_MS = 40;
const MAX_TRIES = 4;
const GIVE_UP_MS = 1000;
/** A jump this large is a new run (publisher restart, long outage), not thousands of losses. */
const MAX_GAP = 200;

export class NackGenerator {
  private started = false;
  private highest = 0;
  // Outstanding losses: parallel arrays, compacted on collect().
  private readonly seqs = new Uint16Array(CAPACITY);
  private readonly firstMissMs = new Float64Array(CAPACITY);
  private readonly lastAskMs = new Float64Array(CAPACITY);
  private readonly tries = new Uint8Array(CAPACITY);
  private count = 0;

  /** Hot path: record an arriving packet. */
  onPacket(seq: number, nowMs: number): void {
    if (!this.started) {
      this.started = true;
      this.highest = seq;
      return;
    }
    const ahead = (seq - this.highest) & 0xffff;
    if (ahead === 0) return;
    if (ahead < 0x8000) {
      if (ahead > MAX_GAP) {
        this.count = 0;
      } else {
        for (let s = (this.highest + 1) & 0xffff; s !== seq; s = (s + 1) & 0xffff) this.add(s, nowMs);
      }
      this.highest = seq;
    } else {
      this.remove(seq); // late or retransmitted
    }
  }

  /** Sequence numbers to ask for now, appended to `out`; returns how many. */
  collect(nowMs: number, out: number[]): number {
    let kept = 0;
    let asked = 0;
    for (let i = 0; i < this.count; i++) {
      if (nowMs - this.firstMissMs[i]! > GIVE_UP_MS || this.tries[i]! >= MAX_TRIES) continue;
      if (nowMs - this.lastAskMs[i]! >= RETRY_MS) {
        out.push(this.seqs[i]!);
        this.lastAskMs[i] = nowMs;
        this.tries[i]!++;
        asked++;
      }
      if (kept !== i) {
        this.seqs[kept] = this.seqs[i]!;
        this.firstMissMs[kept] = this.firstMissMs[i]!;
        this.lastAskMs[kept] = this.lastAskMs[i]!;
        this.tries[kept] = this.tries[i]!;
      }
      kept++;
    }
    this.count = kept;
    return asked;
  }

  get outstanding(): number {
    return this.count;
  }

  private add(seq: number, nowMs: number): void {
    if (this.count === CAPACITY) return;
    const i = this.count++;
    this.seqs[i] = seq;
    this.firstMissMs[i] = nowMs;
    this.lastAskMs[i] = -Infinity;
    this.tries[i] = 0;
  }

  private remove(seq: number): void {
    for (let i = 0; i < this.count; i++) {
      if (this.seqs[i] === seq) {
        this.count--;
        this.seqs[i] = this.seqs[this.count]!;
        this.firstMissMs[i] = this.firstMissMs[this.count]!;
        this.lastAskMs[i] = this.lastAskMs[this.count]!;
        this.tries[i] = this.tries[this.count]!;
        return;
      }
    }
  }
}

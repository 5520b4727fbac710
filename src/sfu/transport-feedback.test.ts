import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JUMP, RING_SIZE, TransportFeedbackBuilder } from './transport-feedback.js';

// ---------------------------------------------------------------------------
// Independent decoder, written straight from the draft's packet layout.
// ---------------------------------------------------------------------------

interface Status { seq: number; symbol: number; arrivalUs: number | null; delta: number | null }
interface Feedback {
  bytes: number;
  senderSsrc: number;
  mediaSsrc: number;
  baseSeq: number;
  refTime: number;
  fbCount: number;
  chunks: number[];
  statuses: Status[];
}

function decode(buf: Buffer): Feedback[] {
  const out: Feedback[] = [];
  let pos = 0;
  while (pos < buf.length) {
    assert.ok(buf.length - pos >= 20, 'truncated header');
    const b0 = buf.readUInt8(pos);
    assert.equal(b0 >> 6, 2, 'version');
    assert.equal((b0 >> 5) & 1, 0, 'P bit must be clear (zero padding in the deltas area)');
    assert.equal(b0 & 0x1f, 15, 'FMT');
    assert.equal(buf.readUInt8(pos + 1), 205, 'PT');
    const bytes = (buf.readUInt16BE(pos + 2) + 1) * 4;
    const end = pos + bytes;
    assert.ok(end <= buf.length, 'length field overruns buffer');
    const baseSeq = buf.readUInt16BE(pos + 12);
    const count = buf.readUInt16BE(pos + 14);
    const refTime = (buf.readUIntBE(pos + 16, 3) << 8) >> 8; // sign-extend 24 bits
    const fb: Feedback = {
      bytes,
      senderSsrc: buf.readUInt32BE(pos + 4),
      mediaSsrc: buf.readUInt32BE(pos + 8),
      baseSeq,
      refTime,
      fbCount: buf.readUInt8(pos + 19),
      chunks: [],
      statuses: [],
    };
    let off = pos + 20;
    const symbols: number[] = [];
    while (symbols.length < count) {
      const c = buf.readUInt16BE(off);
      off += 2;
      fb.chunks.push(c);
      if ((c & 0x8000) === 0) {
        const s = (c >> 13) & 3, run = c & 0x1fff;
        assert.ok(s !== 3 && run > 0, 'bad run-length chunk');
        assert.ok(symbols.length + run <= count, 'run-length chunk overshoots status count');
        for (let k = 0; k < run; k++) symbols.push(s);
      } else if ((c & 0x4000) === 0) {
        for (let k = 13; k >= 0; k--) symbols.push((c >> k) & 1);
      } else {
        for (let k = 12; k >= 0; k -= 2) {
          const s = (c >> k) & 3;
          assert.notEqual(s, 3, 'reserved symbol');
          symbols.push(s);
        }
      }
    }
    assert.ok(symbols.slice(count).every((s) => s === 0), 'vector padding symbols must be 0');
    let t = refTime * 64_000;
    for (let k = 0; k < count; k++) {
      const symbol = symbols[k]!;
      let delta: number | null = null;
      if (symbol === 1) delta = buf.readUInt8(off++);
      else if (symbol === 2) { delta = buf.readInt16BE(off); off += 2; }
      if (delta !== null) t += delta * 250;
      fb.statuses.push({ seq: (baseSeq + k) & 0xffff, symbol, arrivalUs: delta === null ? null : t, delta });
    }
    assert.ok(end - off >= 0 && end - off < 4, 'padding must be 0..3 bytes');
    for (; off < end; off++) assert.equal(buf.readUInt8(off), 0, 'padding must be zero');
    out.push(fb);
    pos = end;
  }
  return out;
}

/** Builds and decodes; asserts a non-null result. */
function buildDecoded(b: TransportFeedbackBuilder, mediaSsrc = 0x1234): Feedback[] {
  const buf = b.build(mediaSsrc);
  assert.ok(buf, 'expected feedback');
  return decode(buf);
}

const REF_PERIOD_US = 2 ** 24 * 64_000;

/**
 * Checks that `fbs` reports exactly the extended seqs [from, to] once each, in order,
 * with "received" iff `expected` has the seq and times within 125 µs (half a unit).
 * Returns the largest time error seen.
 */
function verify(fbs: Feedback[], expected: Map<number, number>, from: number, to: number, seqOffset = 0): number {
  let ext = from, maxErr = 0;
  for (const fb of fbs) {
    assert.equal(fb.baseSeq, (ext + seqOffset) & 0xffff, 'feedback packets must be contiguous');
    for (const st of fb.statuses) {
      const want = expected.get(ext);
      if (want === undefined) assert.equal(st.arrivalUs, null, `seq ext ${ext} should be lost`);
      else {
        assert.notEqual(st.arrivalUs, null, `seq ext ${ext} should be received`);
        // The wire carries time modulo the 24-bit reference time range; compare modulo it.
        const diff = (((st.arrivalUs! - want) % REF_PERIOD_US) + REF_PERIOD_US) % REF_PERIOD_US;
        const err = Math.min(diff, REF_PERIOD_US - diff);
        assert.ok(err <= 125 + 1e-6, `seq ext ${ext}: error ${err} µs`);
        maxErr = Math.max(maxErr, err);
      }
      ext++;
    }
  }
  assert.equal(ext, to + 1, 'coverage must end at the highest received seq');
  return maxErr;
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------

test('fixed byte vector: reorder fill-in, loss, negative delta, zero padding', () => {
  const b = new TransportFeedbackBuilder(0x01020304);
  b.onPacket(100, 129_000); // 2*64 ms + 1 ms
  b.onPacket(103, 129_250); // arrives before 102
  b.onPacket(102, 129_500);
  // seq 101 never arrives.
  // Reference time = floor(129000 / 64000) = 2 -> 128000 µs.
  // Deltas in seq order (250 µs units): 100: (129000-128000)/250 = 4 -> symbol 1
  //   101: lost -> symbol 0;  102: (129500-129000)/250 = 2 -> symbol 1
  //   103: (129250-129500)/250 = -1 -> symbol 2 (negative -> two bytes 0xFFFF)
  // Symbols [1,0,1,2]: a 2 is present so two-bit vector: 1 1 | 01 00 01 10 000000
  //   = 0b11_01_00_01_10_00_00_00 = 0xD180
  // Size: 20 header + 2 chunk + 1+1+2 deltas = 26 -> 28 with 2 zero bytes; length = 28/4-1 = 6.
  const expected = Buffer.from([
    0x8f, 0xcd, 0x00, 0x06, // V=2 P=0 FMT=15, PT=205, length 6
    0x01, 0x02, 0x03, 0x04, // sender SSRC
    0x0a, 0x0b, 0x0c, 0x0d, // media SSRC
    0x00, 0x64, 0x00, 0x04, // base seq 100, status count 4
    0x00, 0x00, 0x02, 0x00, // reference time 2, fb count 0
    0xd1, 0x80, 0x04, 0x02, // chunk 0xD180, deltas 4, 2
    0xff, 0xff, 0x00, 0x00, // delta -1, zero padding
  ]);
  assert.deepEqual(b.build(0x0a0b0c0d), expected);
  // Decoder agrees.
  const [fb] = decode(expected);
  assert.deepEqual(fb!.statuses.map((s) => s.arrivalUs), [129_000, null, 129_500, 129_250]);
});

test('build() returns null when idle; late and duplicate packets are ignored', () => {
  const b = new TransportFeedbackBuilder(1);
  assert.equal(b.build(2), null);
  b.onPacket(5, 1000);
  assert.equal(decode(b.build(2)!).length, 1);
  assert.equal(b.build(2), null);
  b.onPacket(5, 2000); // duplicate of a reported seq
  b.onPacket(4, 2000); // older than what was reported
  assert.equal(b.build(2), null);
  b.onPacket(6, 3000);
  b.onPacket(6, 9000); // duplicate before reporting: first arrival wins
  const fbs = buildDecoded(b);
  verify(fbs, new Map([[6, 3000]]), 6, 6);
});

test('run-length vs status-vector chunk choice', () => {
  const chunksFor = (pkts: [number, number][]): number[] => {
    const b = new TransportFeedbackBuilder(1);
    for (const [s, t] of pkts) b.onPacket(s, t);
    const fbs = buildDecoded(b);
    assert.equal(fbs.length, 1);
    return fbs[0]!.chunks;
  };
  const T = 64_000 * 10;
  // 20 received with 1 ms deltas: one run-length chunk, S=1, length 20.
  assert.deepEqual(chunksFor(Array.from({ length: 20 }, (_, i) => [i, T + i * 1000])), [0x2014]);
  // Alternating received/lost over 14 seqs: one one-bit vector 1010...
  assert.deepEqual(chunksFor(Array.from({ length: 7 }, (_, i) => [2 * i, T + i * 1000])), [0xaaaa]);
  // 1, 100 lost, 1: one-bit vector (1 + 13 lost), run of 87 lost, run of one received.
  assert.deepEqual(chunksFor([[0, T], [101, T + 1000]]), [0xa000, 0x0057, 0x2001]);
  // Small/large alternating deltas: two-bit vector 01 10 01 10 01 10 01.
  const alt: [number, number][] = [];
  for (let i = 0, t = T; i < 7; i++) { alt.push([i, t]); t += i % 2 === 0 ? 100_000 : 1000; }
  assert.deepEqual(chunksFor(alt), [0xd999]);
  // 1 small then 14 large: two-bit vector for the first 7, then a run of 8 large (S=2).
  const big: [number, number][] = Array.from({ length: 15 }, (_, i) => [i, T + i * 100_000]);
  assert.deepEqual(chunksFor(big), [0xdaaa, 0x4008]);
});

test('wrap-around at 65535', () => {
  const b = new TransportFeedbackBuilder(1);
  const T = 5_000_000;
  // One feedback spanning the wrap (seq 0 arrives before 65535).
  b.onPacket(65533, T);
  b.onPacket(65534, T + 1000);
  b.onPacket(0, T + 2000);
  b.onPacket(65535, T + 3000);
  b.onPacket(2, T + 4000);
  let fbs = buildDecoded(b);
  assert.equal(fbs.length, 1);
  assert.deepEqual(fbs[0]!.statuses.map((s) => s.seq), [65533, 65534, 65535, 0, 1, 2]);
  verify(fbs, new Map([[65533, T], [65534, T + 1000], [65535, T + 3000], [65536, T + 2000], [65538, T + 4000]]), 65533, 65538);
  // Next feedback continues after the wrap.
  b.onPacket(4, T + 5000);
  fbs = buildDecoded(b);
  assert.equal(fbs[0]!.baseSeq, 3);
  verify(fbs, new Map([[65540, T + 5000]]), 65539, 65540);
});

test('negative delta uses a two-byte symbol', () => {
  const b = new TransportFeedbackBuilder(1);
  const T = 64_000 * 7 + 10_000;
  b.onPacket(11, T - 1000); // later seq arrives 1 ms earlier
  b.onPacket(10, T);
  const [fb] = buildDecoded(b);
  assert.deepEqual(fb!.statuses.map((s) => [s.symbol, s.delta]), [[1, 40], [2, -4]]);
  assert.deepEqual(fb!.statuses.map((s) => s.arrivalUs), [T, T - 1000]);
});

test('a delta that does not fit in 16 bits starts a new feedback packet', () => {
  const T = 64_000 * 5;
  // Exactly +32767 units still fits.
  let b = new TransportFeedbackBuilder(1);
  b.onPacket(1, T);
  b.onPacket(2, T + 32767 * 250);
  let fbs = buildDecoded(b);
  assert.equal(fbs.length, 1);
  assert.deepEqual(fbs[0]!.statuses.map((s) => s.delta), [0, 32767]);

  // +32768 units does not: split before seq 2, which gets its own reference time.
  b = new TransportFeedbackBuilder(1);
  b.onPacket(1, T);
  b.onPacket(3, T + 32768 * 250 + 1000);
  b.onPacket(2, T + 32768 * 250);
  fbs = buildDecoded(b);
  assert.equal(fbs.length, 2);
  assert.deepEqual(fbs.map((f) => [f.baseSeq, f.statuses.length, f.fbCount]), [[1, 1, 0], [2, 2, 1]]);
  assert.equal(fbs[1]!.refTime, 5 + 128); // (T + 8192 ms) / 64 ms
  verify(fbs, new Map([[1, T], [2, T + 8_192_000], [3, T + 8_193_000]]), 1, 3);

  // Same in the negative direction (-9 s).
  b = new TransportFeedbackBuilder(1);
  b.onPacket(2, T);
  b.onPacket(1, T + 9_000_000);
  fbs = buildDecoded(b);
  assert.equal(fbs.length, 2);
  verify(fbs, new Map([[1, T + 9_000_000], [2, T]]), 1, 2);
});

test('maxPacketBytes splitting: every packet within the limit, all seqs exactly once', () => {
  for (const limit of [24, 37, 100, 101, 1200]) {
    const rnd = mulberry32(limit);
    const b = new TransportFeedbackBuilder(1, { maxPacketBytes: limit });
    const expected = new Map<number, number>();
    let t = 1e9 + 0.3;
    for (let ext = 0; ext < 3000; ext++) {
      t += rnd() < 0.5 ? 100_000 * rnd() : 1000 * rnd(); // mix of 1- and 2-byte deltas
      if (rnd() < 0.1 && ext !== 0 && ext !== 2999) continue; // losses
      b.onPacket(ext, t);
      expected.set(ext, t);
    }
    const fbs = buildDecoded(b);
    assert.ok(fbs.length > 1, 'expected several packets');
    for (const f of fbs) assert.ok(f.bytes <= limit, `packet of ${f.bytes} bytes exceeds ${limit}`);
    verify(fbs, expected, 0, 2999);
    fbs.forEach((f, i) => assert.equal(f.fbCount, i & 0xff));
  }
  assert.throws(() => new TransportFeedbackBuilder(1, { maxPacketBytes: 23 }), RangeError);
});

test('feedback packet count increments per packet and wraps at 256', () => {
  const b = new TransportFeedbackBuilder(1);
  for (let i = 0; i < 600; i++) {
    b.onPacket(i, i * 1000);
    const fbs = buildDecoded(b);
    assert.equal(fbs.length, 1);
    assert.equal(fbs[0]!.fbCount, i & 0xff);
  }
});

test('huge sequence jumps restart the window instead of reporting thousands of losses', () => {
  const b = new TransportFeedbackBuilder(1);
  for (let s = 0; s < 10; s++) b.onPacket(s, s * 1000);
  verify(buildDecoded(b), new Map(Array.from({ length: 10 }, (_, s) => [s, s * 1000])), 0, 9);
  // A gap within MAX_JUMP is reported as losses (cheaply, with run-length chunks).
  b.onPacket(9 + MAX_JUMP, 20_000);
  let fbs = buildDecoded(b);
  verify(fbs, new Map([[9 + MAX_JUMP, 20_000]]), 10, 9 + MAX_JUMP);
  assert.ok(fbs[0]!.bytes < 40);
  // Beyond MAX_JUMP (forward): restart at the new seq.
  const far = 9 + 2 * MAX_JUMP + 1; // one past MAX_JUMP from the highest seq
  b.onPacket(far, 30_000);
  b.onPacket(far + 1, 31_000);
  verify(buildDecoded(b), new Map([[far, 30_000], [far + 1, 31_000]]), far, far + 1);
  // Beyond MAX_JUMP backwards (sender counter reset): restart too.
  b.onPacket(100, 40_000);
  fbs = buildDecoded(b);
  assert.deepEqual(fbs.map((f) => [f.baseSeq, f.statuses.length]), [[100, 1]]);
});

test('window overflow without build(): only the newest RING_SIZE seqs are reported', () => {
  const b = new TransportFeedbackBuilder(1);
  const n = RING_SIZE + 1000;
  const expected = new Map<number, number>();
  for (let s = 0; s < n; s++) {
    b.onPacket(s & 0xffff, s * 100);
    expected.set(s, s * 100);
  }
  verify(buildDecoded(b), expected, n - RING_SIZE, n - 1);
});

test('random arrival patterns round-trip with no drift over 10,000 packets', () => {
  for (const seed of [1, 2, 3]) {
    const rnd = mulberry32(seed);
    const START = 60_000; // crosses the 16-bit wrap
    // Send order with losses (single and bursts), then reorder, duplicate.
    const sent: number[] = [];
    for (let ext = 0; ext < 10_000; ext++) {
      if (ext > 0 && rnd() < 0.005) { ext += 20; continue; }
      if (ext > 0 && rnd() < 0.05) continue;
      sent.push(ext);
    }
    const keyed = sent.map((ext, i) => ({ ext, key: i === 0 ? -1 : i + (rnd() < 0.05 ? rnd() * 30 : 0) }));
    for (let i = 1; i < sent.length; i++) if (rnd() < 0.02) keyed.push({ ext: sent[i]!, key: i + rnd() * 10 });
    keyed.sort((x, y) => x.key - y.key);

    const b = new TransportFeedbackBuilder(0xdeadbeef);
    const pending = new Map<number, number>(); // what the builder should report next
    let reportedUpTo = keyed[0]!.ext; // first unreported extended seq
    let highest = -1;
    let t = 1_700_000_000_123.4; // fractional µs, and large enough that the 24-bit reference time wraps
    let nextBuild = 1 + Math.floor(rnd() * 200);
    let maxErr = 0, packets = 0, splits = 0;
    const doBuild = () => {
      const buf = b.build(42);
      if (highest < reportedUpTo) { assert.equal(buf, null); return; }
      assert.ok(buf);
      const fbs = decode(buf);
      packets += fbs.length;
      splits += fbs.length - 1;
      maxErr = Math.max(maxErr, verify(fbs, pending, reportedUpTo, highest, START));
      pending.clear();
      reportedUpTo = highest + 1;
    };
    for (const { ext } of keyed) {
      const r = rnd();
      t += r < 0.0005 ? 9_000_000 : r < 0.25 ? 80_000 * rnd() : r < 0.3 ? 0 : 1500 * rnd();
      b.onPacket((START + ext) & 0xffff, t);
      if (ext >= reportedUpTo && !pending.has(ext)) pending.set(ext, t);
      highest = Math.max(highest, ext);
      if (--nextBuild === 0) { doBuild(); doBuild(); nextBuild = 1 + Math.floor(rnd() * 200); }
    }
    doBuild();
    assert.ok(maxErr <= 125 + 1e-6, `max error ${maxErr}`);
    assert.ok(packets > 50 && splits > 0, `packets ${packets}, splits ${splits}`);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtpHeader, RtpPacket, type RTCDtlsTransport, type RTCRtpSender } from 'werift';
import { SenderSink, SrtpLayerSink } from './rtp-sinks.js';

/** What the DTLS transport was asked to send, as it would go on the wire (before SRTP). */
function fakeDtls() {
  const wire: RtpPacket[] = [];
  const dtls = {
    transportSequenceNumber: 65534,
    async sendRtp(payload: Buffer, header: RtpHeader) {
      wire.push(RtpPacket.deSerialize(Buffer.concat([header.serialize(header.serializeSize), payload])));
      return 0;
    },
  };
  return { dtls, wire };
}

const ext = (p: RtpPacket, id: number) => p.header.extensions.find((e) => e.id === id)?.payload;

test('a simulcast layer is sent on its own SSRC with rid, mid and transport-wide sequence numbers', () => {
  const { dtls, wire } = fakeDtls();
  const ids = { mid: 4, transportCc: 5, rid: 6 };
  const q = new SrtpLayerSink(dtls as unknown as RTCDtlsTransport, 97, ids, '1', 'q', 1200);
  const f = new SrtpLayerSink(dtls as unknown as RTCDtlsTransport, 97, ids, '1', 'f', 1200);
  assert.notEqual(q.ssrc, f.ssrc);
  q.send(Buffer.from('slice one'), 100, 9000, false);
  f.send(Buffer.from('slice two'), 7, 9000, true);
  const [a, b] = wire;
  assert.equal(a!.header.ssrc, q.ssrc);
  assert.equal(a!.header.payloadType, 97);
  assert.equal(a!.header.sequenceNumber, 100);
  assert.equal(a!.header.timestamp, 9000);
  assert.equal(a!.header.marker, false);
  assert.equal(b!.header.marker, true);
  assert.equal(ext(a!, 6)?.toString(), 'q');
  assert.equal(ext(b!, 6)?.toString(), 'f');
  assert.equal(ext(a!, 4)?.toString(), '1');
  // One transport-wide sequence across layers (werift's senders share it), wrapping at 16 bits.
  assert.equal(ext(a!, 5)?.readUInt16BE(0), 65535);
  assert.equal(ext(b!, 5)?.readUInt16BE(0), 0);
  assert.equal(dtls.transportSequenceNumber, 0);
  assert.equal(b!.payload.toString(), 'slice two');
});

test('a NACKed packet goes out again unchanged, with a new transport-wide sequence number', () => {
  const { dtls, wire } = fakeDtls();
  const sink = new SrtpLayerSink(dtls as unknown as RTCDtlsTransport, 96, { rid: 3, transportCc: 5 }, '1', 'h', 1200);
  const scratch = Buffer.from('first');
  sink.send(scratch, 42, 1, true);
  scratch.write('xxxxx'); // the layer reuses its buffer
  sink.retransmit(42);
  sink.retransmit(43); // never sent: nothing
  assert.equal(wire.length, 2);
  assert.equal(wire[1]!.payload.toString(), 'first');
  assert.equal(wire[1]!.header.sequenceNumber, 42);
  assert.equal(ext(wire[1]!, 3)?.toString(), 'h');
  assert.equal(ext(wire[1]!, 5)?.readUInt16BE(0), (ext(wire[0]!, 5)!.readUInt16BE(0) + 1) & 0xffff);
  assert.throws(() => new SrtpLayerSink(dtls as unknown as RTCDtlsTransport, 96, {}, '1', 'h', 1200), /rtp-stream-id/);
});

test("werift's sender gets its own copy of each payload, with the extra extensions", () => {
  const sent: RtpPacket[] = [];
  const sender = { ssrc: 77, sendRtp: async (p: RtpPacket) => void sent.push(p) };
  const sink = new SenderSink(sender as unknown as RTCRtpSender, [{ id: 1, payload: Buffer.of(0x9e) }]);
  const scratch = Buffer.from('opus');
  sink.send(scratch, 5, 960, true);
  scratch.write('xxxx');
  assert.equal(sink.ssrc, 77);
  assert.equal(sent[0]!.payload.toString(), 'opus');
  assert.equal(sent[0]!.header.sequenceNumber, 5);
  assert.equal(sent[0]!.header.timestamp, 960);
  assert.equal(sent[0]!.header.marker, true);
  assert.deepEqual(sent[0]!.header.extensions, [{ id: 1, payload: Buffer.of(0x9e) }]);
});

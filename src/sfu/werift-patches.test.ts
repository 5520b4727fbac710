import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtpHeader, RtpPacket, type RTCDtlsTransport, type RTCRtpSender } from 'werift';
import { PADDING_PACKET_BYTES, observeSentRtp, sendRtxPadding } from './werift-patches.js';

const TWCC_ID = 5;

/** The two things observeSentRtp touches of a werift DTLS transport, and what reached the wire. */
function dtlsStub() {
  const wire: number[] = [];
  const dtls = {
    transportSequenceNumber: 0,
    sendRtp: async (_payload: Buffer, header: RtpHeader) => {
      wire.push(header.extensions.find((e) => e.id === TWCC_ID)!.payload.readUInt16BE(0));
      return 0;
    },
  };
  return { dtls, wire };
}

/** As werift's RTCRtpSender numbers a new packet before handing it to the transport. */
function fresh(dtls: { transportSequenceNumber: number }): RtpHeader {
  dtls.transportSequenceNumber = (dtls.transportSequenceNumber + 1) & 0xffff;
  const seq = dtls.transportSequenceNumber;
  return new RtpHeader({ extensions: [{ id: TWCC_ID, payload: Buffer.from([seq >> 8, seq & 0xff]) }] });
}

test('every packet the transport sends has its own transport-wide number, resends included', async () => {
  const { dtls, wire } = dtlsStub();
  const seen: number[] = [];
  observeSentRtp(dtls as unknown as RTCDtlsTransport, TWCC_ID, (seq) => seen.push(seq), () => true);
  const first = fresh(dtls);
  await dtls.sendRtp(Buffer.alloc(100), first);
  await dtls.sendRtp(Buffer.alloc(100), fresh(dtls));
  await dtls.sendRtp(Buffer.alloc(100), first); // werift resends a NACKed packet with its old header
  await dtls.sendRtp(Buffer.alloc(100), fresh(dtls));
  assert.deepEqual(wire, [1, 2, 3, 4]);
  assert.deepEqual(seen, wire);
});

test('the sizes reported are payload plus header', async () => {
  const { dtls } = dtlsStub();
  const sizes: number[] = [];
  observeSentRtp(dtls as unknown as RTCDtlsTransport, TWCC_ID, (_seq, bytes) => sizes.push(bytes), () => true);
  const header = fresh(dtls);
  await dtls.sendRtp(Buffer.alloc(100), header);
  assert.deepEqual(sizes, [100 + header.serializeSize]);
});

test('a resend the budget refuses is not sent and costs no number', async () => {
  const { dtls, wire } = dtlsStub();
  observeSentRtp(dtls as unknown as RTCDtlsTransport, TWCC_ID, () => {}, () => false);
  const first = fresh(dtls);
  await dtls.sendRtp(Buffer.alloc(100), first);
  await dtls.sendRtp(Buffer.alloc(100), fresh(dtls));
  await dtls.sendRtp(Buffer.alloc(100), first);
  await dtls.sendRtp(Buffer.alloc(100), fresh(dtls));
  assert.deepEqual(wire, [1, 2, 3]);
});

test('an RTX padding packet: the RTX stream, padding only, a fresh transport-wide number that is counted', async () => {
  const { dtls, wire } = dtlsStub();
  const sent: RtpPacket[] = [];
  const send = dtls.sendRtp;
  dtls.sendRtp = async (payload, header) => {
    sent.push(RtpPacket.deSerialize(Buffer.concat([header.serialize(header.serializeSize), payload])));
    return send(payload, header);
  };
  const seen: number[] = [];
  observeSentRtp(dtls as unknown as RTCDtlsTransport, TWCC_ID, (seq) => seen.push(seq), () => false);
  const sender = { rtxPayloadType: 97, rtxSsrc: 4242, rtxSequenceNumber: 65535, timestamp: 1234 };
  assert.equal(sendRtxPadding({ ...sender, timestamp: undefined } as unknown as RTCRtpSender, dtls as unknown as RTCDtlsTransport, TWCC_ID), 0, 'no media sent yet');
  await dtls.sendRtp(Buffer.alloc(100), fresh(dtls));
  const sizes: number[] = [];
  observeSentRtp(dtls as unknown as RTCDtlsTransport, TWCC_ID, (_seq, bytes) => sizes.push(bytes), () => false);
  for (let i = 0; i < 2; i++) assert.equal(sendRtxPadding(sender as unknown as RTCRtpSender, dtls as unknown as RTCDtlsTransport, TWCC_ID), sizes.at(-1), 'the size the transport reports');
  assert.deepEqual(wire, [1, 2, 3], 'new numbers, not refused as resends');
  assert.deepEqual(seen, [1, 2, 3]);
  const [, a, b] = sent;
  for (const p of [a!, b!]) {
    assert.equal(p.header.ssrc, 4242);
    assert.equal(p.header.payloadType, 97);
    assert.equal(p.header.padding, true);
    assert.equal(p.header.paddingSize, PADDING_PACKET_BYTES);
    assert.equal(p.payload.length, 0, 'nothing but padding');
  }
  assert.deepEqual([a!.header.sequenceNumber, b!.header.sequenceNumber], [65535, 0], 'the RTX sequence goes on, wrapping');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtcpPacketConverter } from 'werift';
import { forEachKeyframeRequest } from './keyframe-requests.js';

/** Parse raw RTCP bytes as werift hands them to the transport. */
const parse = (hex: string) => RtcpPacketConverter.deSerialize(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
const asked = (hex: string) => {
  const out: number[] = [];
  for (const p of parse(hex)) forEachKeyframeRequest(p, (ssrc) => out.push(ssrc));
  return out;
};

test('a PLI asks for its media source', () => {
  // V=2 FMT=1, PT=206, length 2; sender 0x11111111, media 0x22222222
  assert.deepEqual(asked('81 ce 0002 11111111 22222222'), [0x22222222]);
});

test('a FIR asks for every SSRC in its entries (its media source field is 0)', () => {
  // V=2 FMT=4, PT=206, length 6; sender, media 0; entries (ssrc, seq nr + 3 reserved bytes)
  assert.deepEqual(asked('84 ce 0006 11111111 00000000 33333333 01000000 44444444 02000000'), [0x33333333, 0x44444444]);
});

test('other RTCP asks for nothing', () => {
  // Receiver report with no report blocks; and a generic NACK (RTPFB FMT 1)
  assert.deepEqual(asked('80 c9 0001 11111111'), []);
  assert.deepEqual(asked('81 cd 0003 11111111 22222222 00050000'), []);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutRtx } from './sdp-rtx.js';

const SDP = [
  'v=0',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'a=mid:1',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'a=mid:2',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  '',
].join('\r\n');

test('RTX goes from the named m-section only', () => {
  const out = withoutRtx(SDP, '1').split('\r\n');
  assert.deepEqual(out.slice(1, 5), ['m=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', 'a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack']);
  assert.deepEqual(out.slice(5), ['m=video 9 UDP/TLS/RTP/SAVPF 96 97', 'a=mid:2', 'a=rtpmap:96 VP8/90000', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96', '']);
  assert.equal(withoutRtx(SDP, '9'), SDP);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extensionIds, loadAnswer, mediaSection, simulcastRecvRids } from './sdp.js';

const offer = [
  'v=0',
  'o=- 1 1 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 96',
  'a=mid:0',
  'a=recvonly',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'm=video 9 UDP/TLS/RTP/SAVPF 97',
  'a=mid:1',
  'a=recvonly',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:6/recvonly urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'a=rid:q recv',
  'a=rid:h recv',
  'a=rid:f recv',
  'a=simulcast:recv q;h;f',
  'm=video 9 UDP/TLS/RTP/SAVPF 97',
  'a=mid:2',
  'a=recvonly',
  '',
].join('\r\n');

test('the m-section of a mid, its simulcast rids and its extension ids are read from an offer', () => {
  const camera = mediaSection(offer, '1')!;
  assert.equal(camera[0], 'm=video 9 UDP/TLS/RTP/SAVPF 97');
  assert.deepEqual(simulcastRecvRids(camera), ['q', 'h', 'f']);
  assert.deepEqual(extensionIds(camera), { mid: 4, transportCc: 5, rid: 6 });
  assert.deepEqual(extensionIds(mediaSection(offer, '0')!), { audioLevel: 1, mid: 4, transportCc: 5 });
  assert.deepEqual(simulcastRecvRids(mediaSection(offer, '2')!), []);
  assert.equal(mediaSection(offer, '9'), undefined);
});

test('simulcast needs a recv line whose rids are all declared; alternatives and paused rids take the first', () => {
  assert.deepEqual(simulcastRecvRids(['a=rid:q recv', 'a=simulcast:recv q;h']), []);
  assert.deepEqual(simulcastRecvRids(['a=rid:q recv', 'a=rid:h recv', 'a=simulcast:recv q;~h']), ['q', 'h']);
  assert.deepEqual(simulcastRecvRids(['a=rid:a recv', 'a=rid:b recv', 'a=simulcast:recv a,b']), ['a']);
  assert.deepEqual(simulcastRecvRids(['a=rid:q send', 'a=simulcast:send q']), []);
  assert.deepEqual(simulcastRecvRids(['a=rid:q recv']), []);
});

test('our answer keeps only loopback candidates, and no SSRC lines on the simulcast m-line', () => {
  const answer = [
    'v=0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 96',
    'a=candidate:1 1 udp 2116026367 127.0.0.1 50000 typ host',
    'a=candidate:2 1 udp 2116026367 10.1.2.3 50001 typ host',
    'a=mid:0',
    'a=ssrc:11 cname:x',
    'm=video 9 UDP/TLS/RTP/SAVPF 97',
    'a=candidate:1 1 udp 2116026367 127.0.0.1 50000 typ host',
    'a=mid:1',
    'a=ssrc-group:FID 22 23',
    'a=ssrc:22 cname:x',
    'a=rid:q send',
    '',
  ].join('\r\n');
  const out = loadAnswer(answer, '1').split('\r\n');
  assert.equal(out.filter((l) => l.includes('10.1.2.3')).length, 0);
  assert.equal(out.filter((l) => l.includes('127.0.0.1')).length, 2);
  assert.ok(out.includes('a=ssrc:11 cname:x'));
  assert.ok(!out.some((l) => l.includes('ssrc:22') || l.startsWith('a=ssrc-group')));
  assert.ok(out.includes('a=rid:q send'));
  assert.ok(loadAnswer(answer, null).includes('a=ssrc:22 cname:x'));
});

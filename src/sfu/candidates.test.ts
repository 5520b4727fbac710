import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptRemoteCandidate, acceptedRemoteSdp, candidateAddress, publicLocalCandidate, publicLocalSdp } from './candidates.js';

const host = (ip: string) => `candidate:1 1 udp 2130706431 ${ip} 40000 typ host`;

test('candidateAddress reads the address field, with or without a=', () => {
  assert.equal(candidateAddress(host('10.0.0.5')), '10.0.0.5');
  assert.equal(candidateAddress(`a=${host('::1')}`), '::1');
});

test('local candidates are limited to listen IPs and rewritten to the announced IP', () => {
  const policy = { listenIps: ['10.0.0.5'], announcedIp: '203.0.113.7' };
  assert.equal(publicLocalCandidate(host('10.0.0.5'), policy), host('203.0.113.7'));
  assert.equal(publicLocalCandidate(host('192.168.1.2'), policy), null);
  assert.equal(publicLocalCandidate(host('10.0.0.5'), { listenIps: [] }), host('10.0.0.5'));
  // Loopback is never announced as a public address.
  assert.equal(publicLocalCandidate(host('127.0.0.1'), { listenIps: [], announcedIp: '203.0.113.7' }), host('127.0.0.1'));
});

test('SDP candidate lines get the same treatment and other lines stay untouched', () => {
  const sdp = ['v=0', `a=${host('10.0.0.5')}`, `a=${host('172.17.0.1')}`, 'a=end-of-candidates', ''].join('\r\n');
  const out = publicLocalSdp(sdp, { listenIps: ['10.0.0.5'], announcedIp: '198.51.100.1' });
  assert.equal(out, ['v=0', `a=${host('198.51.100.1')}`, 'a=end-of-candidates', ''].join('\r\n'));
});

test('remote mDNS candidates are dropped, and loopback-only servers try loopback only', () => {
  const open = { listenIps: [] };
  const loop = { listenIps: ['127.0.0.1'] };
  assert.equal(acceptRemoteCandidate(host('3f1c2b8e-1111-2222-3333-444455556666.local'), open), false);
  assert.equal(acceptRemoteCandidate(host('192.168.1.9'), open), true);
  assert.equal(acceptRemoteCandidate(host('192.168.1.9'), loop), false);
  assert.equal(acceptRemoteCandidate(host('127.0.0.1'), loop), true);
  assert.equal(acceptRemoteCandidate('', loop), false);
  const sdp = ['v=0', `a=${host('127.0.0.1')}`, `a=${host('10.1.1.1')}`].join('\r\n');
  assert.equal(acceptedRemoteSdp(sdp, loop), ['v=0', `a=${host('127.0.0.1')}`].join('\r\n'));
});

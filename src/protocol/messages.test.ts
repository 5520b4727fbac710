import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMessage } from './decode.js';
import { E2eePayload } from './e2ee.js';
import { CLIENT_MESSAGE_TYPES, ClientMessage, MAX_MESSAGE_BYTES, MAX_SDP_MESSAGE_BYTES, ServerMessage } from './messages.js';

const decode = (raw: string) => decodeMessage(ClientMessage, raw, Buffer.byteLength(raw));
const id = 'abcdefghijklmnopqrstuv';

test('every client message type is known to the decoder', () => {
  assert.deepEqual([...CLIENT_MESSAGE_TYPES].sort(), [
    'admit',
    'admit-all',
    'allow-unmute',
    'answer',
    'create-invite',
    'deny',
    'end-meeting',
    'ice',
    'join',
    'kick',
    'leave',
    'lower-hand',
    'mute',
    'mute-all',
    'raise-hand',
    'relay',
    'request-keyframe',
    'request-unmute',
    'restart-ice',
    'resume',
    'revoke-invite',
    'screen-share',
    'set-allow-unencrypted',
    'set-last-n',
    'set-lobby',
    'set-lock',
    'set-password',
    'set-role',
    'stop-screen-share',
    'track-state',
    'view',
  ]);
});

test('a valid join is parsed, trimmed and defaulted', () => {
  const r = decode(JSON.stringify({ type: 'join', meetingId: id, name: '  Ada ', e2ee: true }));
  assert.ok(r.ok);
  assert.deepEqual(r.message, { type: 'join', meetingId: id, name: 'Ada', audioMuted: false, videoMuted: false, e2ee: true });
});

test('each kind of bad input maps to its own error code', () => {
  const cases: [string, string, RegExp][] = [
    ['not json', 'bad-json', /JSON/],
    ['[]', 'invalid-message', /object/],
    ['null', 'invalid-message', /object/],
    ['{"x":1}', 'invalid-message', /type/],
    ['{"type":"nope"}', 'unknown-type', /nope/],
    [JSON.stringify({ type: 'join', meetingId: 'short', name: 'A' }), 'invalid-message', /^meetingId:/],
    [JSON.stringify({ type: 'join', meetingId: id, name: '   ' }), 'invalid-message', /^name: name is empty/],
    [JSON.stringify({ type: 'join', meetingId: id, name: 'a\u0007b' }), 'invalid-message', /control/],
    [JSON.stringify({ type: 'join', meetingId: id, name: 'x'.repeat(65) }), 'invalid-message', /64/],
    [JSON.stringify({ type: 'ice', candidate: { candidate: 5 } }), 'invalid-message', /^candidate\.candidate:/],
    [JSON.stringify({ type: 'track-state', kind: 'audio', muted: 'yes' }), 'invalid-message', /^muted:/],
  ];
  for (const [raw, code, message] of cases) {
    const r = decode(raw);
    assert.ok(!r.ok, raw);
    assert.equal(r.error.code, code, raw);
    assert.match(r.error.message, message, raw);
    assert.equal(r.error.recoverable, true);
  }
});

test('size is checked before parsing', () => {
  const raw = JSON.stringify({ type: 'answer', sdp: 'x'.repeat(MAX_SDP_MESSAGE_BYTES) });
  const r = decode(raw);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'too-large');
});

test("an answer may be as large as a big meeting's SDP; other messages stay within 64 KiB", () => {
  const sdp = 'v=0\r\n' + 'a=x\r\n'.repeat(200 * 1024 / 5);
  const answer = decode(JSON.stringify({ type: 'answer', sdp }));
  assert.ok(answer.ok, JSON.stringify(!answer.ok && answer.error));
  const relay = decode(JSON.stringify({ type: 'relay', data: 'x'.repeat(MAX_MESSAGE_BYTES) }));
  assert.ok(!relay.ok);
  assert.equal(relay.error.code, 'too-large');
  assert.match(relay.error.message, new RegExp(`limit is ${MAX_MESSAGE_BYTES}`));
  const offer = decodeMessage(ServerMessage, JSON.stringify({ type: 'offer', sdp, publish: { audio: '0', video: '1', screen: '2' }, tracks: [] }), 200 * 1024 + 200);
  assert.ok(offer.ok, JSON.stringify(!offer.ok && offer.error));
});

test('server messages validate too (the client checks what it receives)', () => {
  const ok = decodeMessage(ServerMessage, JSON.stringify({ type: 'participant-left', participantId: 'p' }), 10);
  assert.ok(ok.ok);
  const bad = decodeMessage(ServerMessage, JSON.stringify({ type: 'offer', sdp: 'v=0' }), 10);
  assert.ok(!bad.ok);
  assert.match(bad.error.message, /publish/);
});

test('a join must say whether the browser encrypts end to end', () => {
  const r = decode(JSON.stringify({ type: 'join', meetingId: id, name: 'Ada' }));
  assert.ok(!r.ok);
  assert.match(r.error.message, /^e2ee:/);
});

test('relay: an opaque, bounded payload, to one participant or to all; the sender cannot set "from"', () => {
  const to = decode(JSON.stringify({ type: 'relay', to: 'p1', data: 'ciphertext' }));
  assert.ok(to.ok);
  assert.deepEqual(to.message, { type: 'relay', to: 'p1', data: 'ciphertext' });
  const all = decode(JSON.stringify({ type: 'relay', data: 'x'.repeat(16 * 1024), from: 'someone-else' }));
  assert.ok(all.ok);
  assert.deepEqual(Object.keys(all.message).sort(), ['data', 'type']); // unknown fields are dropped
  for (const bad of [{ data: '' }, { data: 'x'.repeat(16 * 1024 + 1) }, { data: 5 }, { to: '', data: 'x' }]) {
    const r = decode(JSON.stringify({ type: 'relay', ...bad }));
    assert.ok(!r.ok, JSON.stringify(bad).slice(0, 40));
    assert.equal(r.error.code, 'invalid-message');
    assert.equal(r.error.recoverable, true);
  }
  const server = decodeMessage(ServerMessage, JSON.stringify({ type: 'relay', from: 'p2', data: 'ciphertext' }), 60);
  assert.ok(server.ok);
  assert.ok(!decodeMessage(ServerMessage, JSON.stringify({ type: 'relay', data: 'ciphertext' }), 60).ok); // no from
});

test('hands: raise or lower one\'s own, lower someone\'s by id; the server\'s stamp or null', () => {
  assert.ok(decode(JSON.stringify({ type: 'raise-hand', raised: true })).ok);
  assert.ok(!decode(JSON.stringify({ type: 'raise-hand' })).ok);
  assert.ok(decode(JSON.stringify({ type: 'lower-hand', participantId: 'p1' })).ok);
  assert.ok(!decode(JSON.stringify({ type: 'lower-hand' })).ok);
  for (const raisedAt of [1_700_000_000_000, null]) {
    assert.ok(decodeMessage(ServerMessage, JSON.stringify({ type: 'hand', participantId: 'p1', raisedAt }), 80).ok);
  }
});

test('screen sharing: one\'s own on or off, a moderator\'s stop by id; offers name the screen m-line and each track\'s source', () => {
  assert.deepEqual(decode(JSON.stringify({ type: 'screen-share', active: true })), { ok: true, message: { type: 'screen-share', active: true } });
  for (const bad of [{ type: 'screen-share' }, { type: 'screen-share', active: 'yes' }, { type: 'stop-screen-share' }, { type: 'stop-screen-share', participantId: '' }]) {
    const r = decode(JSON.stringify(bad));
    assert.ok(!r.ok, JSON.stringify(bad));
    assert.equal(r.error.code, 'invalid-message');
  }
  assert.ok(decode(JSON.stringify({ type: 'stop-screen-share', participantId: 'p1' })).ok);
  const server = (m: object) => decodeMessage(ServerMessage, JSON.stringify(m), 200).ok;
  assert.ok(server({ type: 'screen-share', participantId: 'p1', active: false }));
  assert.ok(!server({ type: 'screen-share', active: false })); // whose?
  assert.ok(server({ type: 'screen-stopped-by-moderator' }));
  const track = { mid: '3', participantId: 'p1', kind: 'video' };
  const offer = { type: 'offer', sdp: 'v=0', publish: { audio: '0', video: '1', screen: '2' } };
  assert.ok(server({ ...offer, tracks: [{ ...track, source: 'screen' }] }));
  assert.ok(!server({ ...offer, tracks: [track] })); // no source
  assert.ok(!server({ ...offer, tracks: [{ ...track, source: 'window' }] }));
  assert.ok(!server({ ...offer, publish: { audio: '0', video: '1' }, tracks: [] }));
});

test('a reaction payload carries only an emoji from the fixed list', () => {
  assert.deepEqual(E2eePayload.parse({ kind: 'reaction', emoji: '🎉', extra: 'dropped' }), { kind: 'reaction', emoji: '🎉' });
  for (const emoji of ['💩', 'hello', '', '👍👍']) assert.ok(!E2eePayload.safeParse({ kind: 'reaction', emoji }).success, emoji);
});

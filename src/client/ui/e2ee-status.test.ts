import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PeerStatus } from '../e2ee/key-exchange.js';
import { joinNames, peerSecurity, summarizeE2ee, warningLines, type EncryptionView, type Participant } from './e2ee-status.js';

function encryption(peers: Record<string, PeerStatus>, encrypting = true): EncryptionView {
  return {
    encrypting,
    safetyCode: '0000 1111 2222 3333',
    peer: (id) => {
      const status = peers[id];
      return status ? { status, safetyCode: status === 'secure' ? `code-${id}` : null } : undefined;
    },
  };
}

const ana: Participant = { id: 'a', name: 'Ana', e2ee: true };
const ben: Participant = { id: 'b', name: 'Ben', e2ee: true };
const old: Participant = { id: 'o', name: 'Olaf', e2ee: false };

test('a peer: its code only once its key authenticated; a browser without E2EE has none', () => {
  const enc = encryption({ a: 'secure', b: 'failed' });
  assert.deepEqual(peerSecurity(enc, ana), { status: 'secure', code: 'code-a' });
  assert.deepEqual(peerSecurity(enc, ben), { status: 'failed', code: null });
  assert.deepEqual(peerSecurity(enc, { id: 'c', name: 'Cem', e2ee: true }), { status: 'pending', code: null });
  assert.deepEqual(peerSecurity(enc, old), { status: 'unencrypted', code: null });
  assert.deepEqual(peerSecurity(null, ana), { status: 'unchecked', code: null });
});

test('all well: encrypted, no warnings', () => {
  const s = summarizeE2ee({ encryption: encryption({ a: 'secure', b: 'pending' }), welcomed: true, participants: [ana, ben] });
  assert.equal(s.state, 'encrypted');
  assert.deepEqual(warningLines(s, false), []);
});

test('before the welcome, a session without encryption is still starting', () => {
  assert.equal(summarizeE2ee({ encryption: null, welcomed: false, participants: [] }).state, 'starting');
  const s = summarizeE2ee({ encryption: null, welcomed: true, participants: [] });
  assert.equal(s.state, 'unencrypted');
  assert.deepEqual(warningLines(s, true), [{ id: 'self', key: 'e2ee.warning.self' }]);
  assert.deepEqual(warningLines(s, false), [{ id: 'self', key: 'e2ee.warning.selfExcluded' }]);
});

test('allowed unencrypted browsers are named; once disallowed, they are named as shut out', () => {
  const s = summarizeE2ee({ encryption: encryption({ a: 'secure' }, false), welcomed: true, participants: [ana, old] });
  assert.equal(s.state, 'unencrypted');
  assert.deepEqual(warningLines(s, true), [{ id: 'others', key: 'e2ee.warning.others.one', names: ['Olaf'] }]);
  const t = summarizeE2ee({ encryption: encryption({ a: 'secure' }, true), welcomed: true, participants: [ana, old] });
  assert.equal(t.state, 'encrypted');
  assert.deepEqual(warningLines(t, false), [{ id: 'excluded', key: 'e2ee.warning.excluded.one', names: ['Olaf'] }]);
});

test('failed keys: one of several, the only other one, or everyone (then our own link is suspect)', () => {
  const cem: Participant = { id: 'c', name: 'Cem', e2ee: true };
  const one = summarizeE2ee({ encryption: encryption({ a: 'secure', b: 'failed' }), welcomed: true, participants: [ana, ben] });
  assert.deepEqual(warningLines(one, false), [{ id: 'failed', key: 'e2ee.failed.one', names: ['Ben'] }]);
  const two = summarizeE2ee({ encryption: encryption({ a: 'secure', b: 'failed', c: 'failed' }), welcomed: true, participants: [ana, ben, cem] });
  assert.deepEqual(warningLines(two, false), [{ id: 'failed', key: 'e2ee.failed.many', names: ['Ben', 'Cem'] }]);
  const only = summarizeE2ee({ encryption: encryption({ b: 'failed' }), welcomed: true, participants: [ben] });
  assert.deepEqual(warningLines(only, false), [{ id: 'failed', key: 'e2ee.failed.onlyPeer', names: ['Ben'] }]);
  // A browser without E2EE doesn't count: failing with every one that encrypts is failing with everyone.
  const all = summarizeE2ee({ encryption: encryption({ a: 'failed', b: 'failed' }), welcomed: true, participants: [ana, ben, old] });
  assert.deepEqual(
    warningLines(all, false).map((l) => l.key),
    ['e2ee.warning.excluded.one', 'e2ee.failed.all'],
  );
});

test('names joined in the language', () => {
  assert.equal(joinNames(['Ana', 'Ben', 'Cem'], 'en'), 'Ana, Ben, and Cem');
  assert.equal(joinNames(['Ana', 'Ben'], 'de'), 'Ana und Ben');
  assert.equal(joinNames(['Ana'], 'de'), 'Ana');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Role } from '../protocol/messages.js';
import { Meeting, type EntryOutcome } from './meeting.js';

function meeting(opts: { max?: number; clock?: { t: number } } = {}) {
  const clock = opts.clock ?? { t: 0 };
  return new Meeting('m1', 'Class 7b', { maxParticipants: opts.max ?? 10, denyCooldownMs: 1000, lobbyEnabled: true, passwordProtected: false, allowUnencrypted: false, lastN: 9, now: () => clock.t });
}
const req = (name: string, role: Role = 'guest', deviceToken?: string, e2ee = true) => ({ name, role, audioMuted: false, videoMuted: false, deviceToken, e2ee });
const kind = (o: EntryOutcome) => (o.kind === 'refused' ? `refused:${o.reason}` : o.kind);

test('hosts enter directly; guests wait in the lobby and see nobody until admitted', () => {
  const m = meeting();
  const host = m.request('h', req('Hana', 'host'));
  assert.equal(kind(host), 'admitted');
  assert.equal(kind(m.request('g', req('Gus'))), 'waiting');
  assert.deepEqual(m.list().map((p) => p.id), ['h']); // knockers are never listed
  assert.deepEqual(m.knockers().map((k) => k.name), ['Gus']);
  assert.deepEqual(m.admit('g', 'g'), { ok: false, error: 'forbidden' }); // a guest can't admit
  const a = m.admit('h', 'g');
  assert.ok(a.ok);
  assert.deepEqual(a.others.map((p) => p.id), ['h']);
  assert.deepEqual(m.knockers(), []);
  assert.deepEqual(m.admit('h', 'g'), { ok: false, error: 'no-such-participant' });
});

test('nobody is admitted automatically, also when no moderator is there', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.leave('h');
  assert.equal(kind(m.request('g', req('G'))), 'waiting');
  assert.equal(m.size, 0);
  assert.equal(kind(m.request('h2', req('H', 'host'))), 'admitted'); // hosts come back with the host link
  assert.deepEqual(m.knockers().map((k) => k.id), ['g']);
});

test('a denied browser cannot knock again during the cool-down', () => {
  const clock = { t: 0 };
  const m = meeting({ clock });
  m.request('h', req('H', 'host'));
  m.request('g', req('G', 'guest', 'device-1'));
  assert.ok(m.deny('h', 'g').ok);
  assert.equal(kind(m.request('g2', req('G', 'guest', 'device-1'))), 'refused:denied');
  assert.equal(kind(m.request('g3', req('Other', 'guest', 'device-2'))), 'waiting');
  clock.t = 1000;
  assert.equal(kind(m.request('g4', req('G', 'guest', 'device-1'))), 'waiting');
});

test('admit-all lets in everyone waiting while there is room', () => {
  const m = meeting({ max: 3 });
  m.request('h', req('H', 'host'));
  for (const id of ['a', 'b', 'c']) m.request(id, req(id));
  const r = m.admitAll('h');
  assert.ok(r.ok);
  assert.deepEqual(r.admitted.map((a) => a.participant.id), ['a', 'b']);
  assert.deepEqual(m.knockers().map((k) => k.id), ['c']);
});

test('turning the lobby off admits the waiting and lets later guests straight in', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.request('a', req('A'));
  const r = m.setLobby('h', false);
  assert.ok(r.ok);
  assert.deepEqual(r.admitted.map((a) => a.participant.id), ['a']);
  assert.equal(kind(m.request('b', req('B'))), 'admitted');
  assert.equal(m.state().lobbyEnabled, false);
  assert.deepEqual(m.setLobby('a', true), { ok: false, error: 'forbidden' });
});

test('kick removes, ban keeps the browser out for the meeting, and hosts cannot be kicked', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  m.request('t', req('Troll', 'guest', 'dev-t'));
  m.request('g', req('G'));
  assert.deepEqual(m.kick('g', 't', false), { ok: false, error: 'forbidden' });
  assert.deepEqual(m.kick('h', 'h', false), { ok: false, error: 'forbidden' });
  const r = m.kick('h', 't', true);
  assert.ok(r.ok && r.target.name === 'Troll');
  assert.equal(m.has('t'), false);
  assert.equal(kind(m.request('t2', req('Nice name', 'guest', 'dev-t'))), 'refused:banned');
  assert.equal(m.remembersAnyone, true);
  m.setRole('h', 'g', 'moderator');
  assert.deepEqual(m.kick('g', 'h', false), { ok: false, error: 'forbidden' }); // not even a moderator
});

test('a kick without ban keeps that browser out for the cool-down, even with the lobby off', () => {
  const clock = { t: 0 };
  const m = meeting({ clock });
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  m.request('k', req('K', 'guest', 'dev-k'));
  assert.ok(m.kick('h', 'k', false).ok);
  assert.equal(kind(m.request('k2', req('K', 'guest', 'dev-k'))), 'refused:denied');
  clock.t = 1000;
  assert.equal(kind(m.request('k3', req('K', 'guest', 'dev-k'))), 'admitted');
});

test('a moderator mute holds until a moderator allows unmuting', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  m.request('g', req('G'));
  const r = m.mute('h', 'g', 'audio');
  assert.ok(r.ok && r.changed);
  assert.equal(m.participant('g')!.audioMuted, true);
  assert.deepEqual(m.setMuted('g', 'audio', false), { ok: false, error: 'forbidden' });
  assert.deepEqual(m.setMuted('g', 'video', true), { ok: true, changed: true }); // other kinds are free
  assert.deepEqual(m.mute('g', 'h', 'audio'), { ok: false, error: 'forbidden' });
  assert.ok(m.allowUnmute('h', 'g', 'audio').ok);
  assert.deepEqual(m.setMuted('g', 'audio', false), { ok: true, changed: true });
});

test('mute-all with unmute locked: guests need permission, moderators do not, newcomers start muted', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  m.request('g', req('G'));
  m.request('mod', req('M'));
  m.setRole('h', 'mod', 'moderator');
  const r = m.muteAll('h', 'audio', true);
  assert.ok(r.ok);
  assert.deepEqual(r.changed.map((p) => p.id).sort(), ['g', 'mod']);
  assert.equal(m.participant('h')!.audioMuted, false); // not the one who asked
  assert.deepEqual(m.state().unmuteLocked, ['audio']);
  assert.deepEqual(m.setMuted('g', 'audio', false), { ok: false, error: 'forbidden' });
  assert.deepEqual(m.setMuted('mod', 'audio', false), { ok: true, changed: true });
  const late = m.request('late', req('L'));
  assert.ok(late.kind === 'admitted' && late.participant.audioMuted);
  m.allowUnmute('h', 'g', 'audio');
  assert.deepEqual(m.setMuted('g', 'audio', false), { ok: true, changed: true });
});

test('a locked meeting refuses guests, even knocks, but not hosts', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  assert.ok(m.setLocked('h', true).ok);
  assert.equal(kind(m.request('g', req('G'))), 'refused:locked');
  assert.equal(kind(m.request('h2', req('H2', 'host'))), 'admitted');
  assert.deepEqual(m.setLocked('nobody', false), { ok: false, error: 'forbidden' });
});

test('roles: moderators can moderate, the host role cannot be taken away', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  m.request('g', req('G'));
  assert.deepEqual(m.setRole('g', 'g', 'moderator'), { ok: false, error: 'forbidden' });
  const r = m.setRole('h', 'g', 'moderator');
  assert.ok(r.ok && r.changed);
  assert.deepEqual(m.moderatorIds().sort(), ['g', 'h']);
  assert.deepEqual(m.setRole('g', 'h', 'guest'), { ok: false, error: 'forbidden' });
  assert.ok(m.setRole('g', 'g', 'guest').ok);
  assert.equal(m.isModerator('g'), false);
});

test('ending the meeting returns everyone, lobby included, and refuses newcomers', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.request('w', req('W'));
  assert.deepEqual(m.end('w'), { ok: false, error: 'forbidden' });
  const r = m.end('h');
  assert.ok(r.ok);
  assert.deepEqual(r.ids.sort(), ['h', 'w']);
  assert.equal(m.isEmpty, true);
  assert.equal(kind(m.request('x', req('X', 'host'))), 'refused:ended');
});

test('a full meeting refuses, and a knocker cannot be admitted past the limit', () => {
  const m = meeting({ max: 1 });
  m.request('h', req('H', 'host'));
  m.request('g', req('G'));
  assert.deepEqual(m.admit('h', 'g'), { ok: false, error: 'meeting-full' });
  assert.equal(kind(m.request('h2', req('H', 'host'))), 'refused:meeting-full');
});

test('self-mute reports only real changes, and ids are never reused', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  assert.deepEqual(m.setMuted('h', 'audio', true), { ok: true, changed: true });
  assert.deepEqual(m.setMuted('h', 'audio', true), { ok: true, changed: false });
  assert.deepEqual(m.setMuted('nobody', 'audio', true), { ok: false, error: 'no-such-participant' });
  assert.throws(() => m.request('h', req('again', 'host')), /reused/);
  assert.equal(m.leave('h')?.name, 'H');
  assert.equal(m.leave('h'), undefined);
});

test('a ban also removes the same browser from the meeting and the lobby', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  m.request('t1', req('Troll', 'guest', 'dev-t'));
  m.request('t2', req('Troll 2', 'guest', 'dev-t'));
  m.setLobby('h', true);
  m.request('t3', req('Troll 3', 'guest', 'dev-t'));
  const r = m.kick('h', 't1', true);
  assert.ok(r.ok);
  assert.deepEqual(r.sameBrowser, { participants: ['t2'], knockers: ['t3'] });
  assert.deepEqual(m.ids(), ['h']);
  assert.deepEqual(m.knockers(), []);
});

test('a held mute survives a reload; hosts are never held; the lobby is bounded', () => {
  const m = meeting({ max: 2 });
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  m.request('g', req('G', 'guest', 'dev-g'));
  m.mute('h', 'g', 'audio');
  m.leave('g');
  const back = m.request('g2', req('G', 'guest', 'dev-g'));
  assert.ok(back.kind === 'admitted' && back.participant.audioMuted);
  assert.deepEqual(m.setMuted('g2', 'audio', false), { ok: false, error: 'forbidden' });
  m.setRole('h', 'g2', 'moderator');
  assert.ok(m.mute('g2', 'h', 'audio').ok);
  assert.deepEqual(m.setMuted('h', 'audio', false), { ok: true, changed: true });
  m.setLobby('h', true);
  m.request('w1', req('W1'));
  m.request('w2', req('W2'));
  assert.equal(kind(m.request('w3', req('W3'))), 'refused:meeting-full');
});

test('a browser whose held mute was lifted is not remembered', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  m.request('g', req('G', 'guest', 'dev-g'));
  m.mute('h', 'g', 'audio');
  assert.equal(m.remembersAnyone, true);
  m.allowUnmute('h', 'g', 'audio');
  assert.equal(m.remembersAnyone, false);
});

test('a browser that does not encrypt end to end is refused before the lobby, hosts and invitees too', () => {
  const m = meeting();
  assert.equal(kind(m.request('h0', req('H', 'host', undefined, false))), 'refused:e2ee-required');
  m.request('h', req('H', 'host'));
  assert.equal(kind(m.request('g', req('G', 'guest', 'dev-g', false))), 'refused:e2ee-required');
  assert.equal(kind(m.request('i', { ...req('Ina', 'guest', undefined, false), inviteId: 'inv-1' })), 'refused:e2ee-required');
  assert.deepEqual(m.knockers(), []); // no knock reached the moderators
  assert.equal(m.state().allowUnencrypted, false);
  assert.equal(m.remembersAnyone, false); // a refusal is not a denial: nothing to remember
});

test('only moderators allow unencrypted browsers; then they knock and enter, marked as such', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  m.request('g', req('G'));
  assert.deepEqual(m.setAllowUnencrypted('g', true), { ok: false, error: 'forbidden' });
  assert.deepEqual(m.setAllowUnencrypted('nobody', true), { ok: false, error: 'forbidden' });
  assert.deepEqual(m.setAllowUnencrypted('h', true), { ok: true, refused: [] });
  assert.equal(m.state().allowUnencrypted, true);
  const u = m.request('u', req('U', 'guest', undefined, false));
  assert.ok(u.kind === 'admitted');
  assert.deepEqual(u.others.map((p) => [p.id, p.e2ee]), [['h', true], ['g', true]]);
  assert.deepEqual(m.list('h').map((p) => [p.id, p.e2ee]), [['g', true], ['u', false]]);
});

test('revoking it keeps those inside, sends unencrypted knockers away and refuses them again', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.setAllowUnencrypted('h', true);
  m.setLobby('h', false);
  m.request('u', req('U', 'guest', undefined, false));
  m.setLobby('h', true);
  m.request('k1', req('K1', 'guest', undefined, false));
  m.request('k2', req('K2'));
  const r = m.setAllowUnencrypted('h', false);
  assert.ok(r.ok);
  assert.deepEqual(r.refused.map((k) => k.id), ['k1']);
  assert.deepEqual(m.knockers().map((k) => k.id), ['k2']);
  assert.deepEqual(m.ids(), ['h', 'u']); // already inside: stays
  assert.equal(kind(m.request('k3', req('K3', 'guest', undefined, false))), 'refused:e2ee-required');
  const a = m.admitAll('h');
  assert.ok(a.ok && a.admitted.every((x) => x.participant.e2ee));
});

test('raised hands queue first raised first, also within one millisecond; only moderators lower others\' hands', () => {
  const clock = { t: 5 };
  const m = meeting({ clock });
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  for (const id of ['a', 'b', 'c']) m.request(id, req(id.toUpperCase()));
  assert.ok(m.raiseHand('b', true).ok);
  assert.ok(m.raiseHand('a', true).ok); // same clock reading: still after b
  clock.t = 9;
  assert.ok(m.raiseHand('c', true).ok);
  assert.deepEqual(m.handQueue(), ['b', 'a', 'c']);
  assert.deepEqual(m.list().map((p) => [p.id, p.handRaisedAt]), [['h', undefined], ['a', 6], ['b', 5], ['c', 9]]);
  // Raising again keeps the place; lowering and raising again goes to the back.
  assert.deepEqual(m.raiseHand('b', true), { ok: true, target: m.participant('b'), changed: false });
  assert.ok(m.raiseHand('b', false).ok);
  assert.ok(m.raiseHand('b', true).ok);
  assert.deepEqual(m.handQueue(), ['a', 'c', 'b']);
  assert.deepEqual(m.lowerHand('c', 'a'), { ok: false, error: 'forbidden' });
  const r = m.lowerHand('h', 'a');
  assert.ok(r.ok && r.changed);
  assert.deepEqual(m.handQueue(), ['c', 'b']);
  assert.deepEqual(m.lowerHand('h', 'nobody'), { ok: false, error: 'no-such-participant' });
  m.leave('c');
  assert.deepEqual(m.handQueue(), ['b']);
  assert.equal(m.list().find((p) => p.id === 'h')!.handRaisedAt, undefined);
  assert.ok(!('handRaisedAt' in m.list()[0]!)); // absent, not undefined, on the wire
});

test('anyone shares their screen, several at once; moderators stop anyone\'s, a host\'s too; sharing again is allowed', () => {
  const m = meeting();
  m.request('h', req('H', 'host'));
  m.setLobby('h', false);
  m.request('a', req('A'));
  m.request('b', req('B'));
  assert.deepEqual(m.setScreenSharing('a', true), { ok: true, changed: true });
  assert.deepEqual(m.setScreenSharing('a', true), { ok: true, changed: false });
  assert.deepEqual(m.setScreenSharing('h', true), { ok: true, changed: true });
  assert.deepEqual(m.list().map((p) => [p.id, p.screenSharing]), [['h', true], ['a', true], ['b', false]]);
  assert.deepEqual(m.stopScreenShare('b', 'a'), { ok: false, error: 'forbidden' });
  assert.deepEqual(m.stopScreenShare('h', 'nobody'), { ok: false, error: 'no-such-participant' });
  const r = m.stopScreenShare('h', 'a');
  assert.ok(r.ok && r.changed && !r.target.screenSharing);
  assert.deepEqual(m.stopScreenShare('h', 'a'), { ok: true, target: m.participant('a'), changed: false });
  m.setRole('h', 'b', 'moderator');
  assert.ok(m.stopScreenShare('b', 'h').ok);
  assert.equal(m.participant('h')!.screenSharing, false);
  assert.deepEqual(m.setScreenSharing('a', true), { ok: true, changed: true });
  assert.deepEqual(m.setScreenSharing('nobody', true), { ok: false, error: 'no-such-participant' });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeetingDirectory } from './meeting-directory.js';
import { Meeting } from './meeting.js';

test('join lists the others, leave removes, and both are idempotent where they should be', () => {
  const m = new Meeting('m1', 10);
  const a = m.join('a', 'Ada', false, false);
  assert.ok(a.ok);
  assert.deepEqual(a.others, []);
  const b = m.join('b', 'Grace', true, false);
  assert.ok(b.ok);
  assert.deepEqual(b.others, [{ id: 'a', name: 'Ada', audioMuted: false, videoMuted: false }]);
  assert.deepEqual(m.list('a').map((p) => p.id), ['b']);
  assert.equal(m.leave('a')?.name, 'Ada');
  assert.equal(m.leave('a'), undefined);
  assert.deepEqual(m.ids(), ['b']);
  assert.throws(() => m.join('b', 'again', false, false), /reused/);
});

test('a full meeting refuses the next participant', () => {
  const m = new Meeting('m1', 2);
  assert.ok(m.join('a', 'A', false, false).ok);
  assert.ok(m.join('b', 'B', false, false).ok);
  assert.deepEqual(m.join('c', 'C', false, false), { ok: false, reason: 'meeting-full' });
  m.leave('a');
  assert.ok(m.join('c', 'C', false, false).ok);
});

test('setMuted reports only real changes', () => {
  const m = new Meeting('m1', 5);
  m.join('a', 'A', false, false);
  assert.equal(m.setMuted('a', 'audio', true), true);
  assert.equal(m.setMuted('a', 'audio', true), false);
  assert.equal(m.setMuted('a', 'video', false), false);
  assert.equal(m.setMuted('nobody', 'video', true), false);
  assert.deepEqual(m.list()[0], { id: 'a', name: 'A', audioMuted: true, videoMuted: false });
});

test('the directory creates meetings with fresh ids and finds them again', () => {
  let n = 0;
  const d = new MeetingDirectory(() => `id-${n++}`, 5);
  const m1 = d.create();
  const m2 = d.create();
  assert.notEqual(m1.id, m2.id);
  assert.equal(d.get(m1.id), m1);
  assert.equal(d.get('nope'), undefined);
  assert.equal(d.count, 2);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Meeting } from './meeting.js';

test('join lists the others, leave removes, and both are idempotent where they should be', () => {
  const m = new Meeting('m1', 'Title', 10);
  const a = m.join('a', 'Ada', 'host', false, false);
  assert.ok(a.ok);
  assert.deepEqual(a.others, []);
  const b = m.join('b', 'Grace', 'guest', true, false);
  assert.ok(b.ok);
  assert.deepEqual(b.others, [{ id: 'a', name: 'Ada', role: 'host', audioMuted: false, videoMuted: false }]);
  assert.deepEqual(m.list('a').map((p) => p.id), ['b']);
  assert.equal(m.leave('a')?.name, 'Ada');
  assert.equal(m.leave('a'), undefined);
  assert.deepEqual(m.ids(), ['b']);
  assert.throws(() => m.join('b', 'again', 'guest', false, false), /reused/);
});

test('a full meeting refuses the next participant', () => {
  const m = new Meeting('m1', 'Title', 2);
  assert.ok(m.join('a', 'A', 'guest', false, false).ok);
  assert.ok(m.join('b', 'B', 'guest', false, false).ok);
  assert.deepEqual(m.join('c', 'C', 'guest', false, false), { ok: false, reason: 'meeting-full' });
  m.leave('a');
  assert.ok(m.join('c', 'C', 'guest', false, false).ok);
});

test('setMuted reports only real changes', () => {
  const m = new Meeting('m1', 'Title', 5);
  m.join('a', 'A', 'guest', false, false);
  assert.equal(m.setMuted('a', 'audio', true), true);
  assert.equal(m.setMuted('a', 'audio', true), false);
  assert.equal(m.setMuted('a', 'video', false), false);
  assert.equal(m.setMuted('nobody', 'video', true), false);
  assert.deepEqual(m.list()[0], { id: 'a', name: 'A', role: 'guest', audioMuted: true, videoMuted: false });
});

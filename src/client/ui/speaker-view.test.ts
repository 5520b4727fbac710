import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featuredId } from './speaker-view.js';

const ids = ['me', 'a', 'b', 'c'];
const choose = (c: { pinned?: string | null; active?: string | null; previous?: string | null; ids?: string[] }) =>
  featuredId({ pinned: null, active: null, previous: null, ids, selfId: 'me', ...c });

test('a pin overrides the active speaker, who overrides the previous choice', () => {
  assert.equal(choose({ pinned: 'c', active: 'a', previous: 'b' }), 'c');
  assert.equal(choose({ active: 'a', previous: 'b' }), 'a');
  assert.equal(choose({ previous: 'b' }), 'b');
  assert.equal(choose({ pinned: 'me', active: 'a' }), 'me'); // we may pin ourselves
});

test('someone who left falls through; with nobody else, we are featured', () => {
  assert.equal(choose({ pinned: 'gone', active: 'gone', previous: 'gone' }), 'a');
  assert.equal(choose({ previous: 'me' }), 'a'); // we were alone; now someone is here
  assert.equal(choose({ ids: ['me'] }), 'me');
  assert.equal(choose({ ids: [] }), null);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectLastN, type Candidate } from './last-n.js';

const c = (participantId: string, joinOrder: number, lastSpokeMs = -Infinity, sharingScreen = false): Candidate => ({
  participantId,
  joinOrder,
  lastSpokeMs,
  sharingScreen,
});

test('pinned first, then screens, then the latest speakers, then join order', () => {
  const all = [c('a', 0), c('b', 1, 100), c('c', 2, 500), c('d', 3, -Infinity, true), c('e', 4)];
  assert.deepEqual([...selectLastN(all, 'e', 4).keys()], ['e', 'd', 'c', 'b']);
  assert.deepEqual([...selectLastN(all, null, 2).keys()], ['d', 'c']);
});

test('nobody speaking: the earliest joined keep their place; priorities fall with rank', () => {
  const chosen = selectLastN([c('late', 9), c('first', 1), c('second', 2)], null, 2);
  assert.deepEqual([...chosen.entries()], [
    ['first', 2],
    ['second', 1],
  ]);
});

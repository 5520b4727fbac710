import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RemoteTrack } from '../protocol/messages.js';
import { joinOrder, viewTiles } from './view.js';

const camera = (participantId: string): RemoteTrack => ({ mid: `m-${participantId}`, participantId, kind: 'video', source: 'camera' });

test('each participant shows the cameras of those who joined after it, wrapping around', () => {
  const orders = new Map([['p0', 0], ['p1', 1], ['p2', 2], ['p3', 3], ['p4', 4]]);
  const tracks = ['p4', 'p0', 'p1', 'p3'].map(camera); // p2 is us
  const mic: RemoteTrack = { mid: 'a', participantId: 'p3', kind: 'audio', source: 'microphone' };
  const tiles = viewTiles([...tracks, mic], (id) => orders.get(id), { self: 2, count: 5, tiles: 3, width: 320, height: 180 });
  assert.deepEqual(tiles, [
    { participantId: 'p3', source: 'camera', width: 320, height: 180 },
    { participantId: 'p4', source: 'camera', width: 320, height: 180 },
    { participantId: 'p0', source: 'camera', width: 320, height: 180 },
  ]);
});

test('participants of unknown order come last; screens are not tiles', () => {
  const screen: RemoteTrack = { mid: 's', participantId: 'p1', kind: 'video', source: 'screen' };
  const tiles = viewTiles([camera('x'), camera('p1'), screen], (id) => (id === 'p1' ? 1 : undefined), { self: 0, count: 2, tiles: 9, width: 1, height: 1 });
  assert.deepEqual(tiles.map((t) => t.participantId), ['p1', 'x']);
  assert.deepEqual(viewTiles([camera('p1')], () => 1, { self: 0, count: 2, tiles: 0, width: 1, height: 1 }), []);
});

test('the join order is the number a synthetic participant carries in its name', () => {
  assert.equal(joinOrder('Load 17'), 17);
  assert.equal(joinOrder('Alice'), undefined);
});

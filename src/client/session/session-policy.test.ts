import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFinalError, MAX_RECONNECT_ATTEMPTS, reconnectDelayMs } from './reconnect.js';
import { mapRemoteMedia } from './remote-media.js';

test('back-off grows and stays bounded', () => {
  const mid = () => 0.5;
  const delays = Array.from({ length: MAX_RECONNECT_ATTEMPTS }, (_, i) => reconnectDelayMs(i + 1, mid));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 10000]);
  for (let a = 1; a < 20; a++) {
    assert.ok(reconnectDelayMs(a, () => 1) <= 12_000);
    assert.ok(reconnectDelayMs(a, () => 0) >= 800);
  }
});

test('refusals that a retry cannot fix are final; passing failures are retried', () => {
  for (const code of ['meeting-not-found', 'meeting-full', 'meeting-locked', 'password-required', 'rate-limited'] as const) {
    assert.ok(isFinalError(code), code);
  }
  for (const code of ['media-failed', 'internal', 'wrong-state'] as const) assert.ok(!isFinalError(code), code);
});

test('remote media is mapped by offer.tracks only; unlisted mids are idle', () => {
  const receivers = new Map([['1', 'A'], ['2', 'B'], ['3', 'C'], ['4', 'D']]);
  const media = mapRemoteMedia(
    [
      { mid: '1', participantId: 'p1', kind: 'audio', source: 'microphone' },
      { mid: '2', participantId: 'p1', kind: 'video', source: 'camera' },
      { mid: '3', participantId: 'p1', kind: 'video', source: 'screen' },
      { mid: '4', participantId: 'p2', kind: 'video', source: 'camera' },
      { mid: '9', participantId: 'p3', kind: 'video', source: 'camera' },
    ],
    (m) => receivers.get(m),
  );
  assert.deepEqual(Object.fromEntries(media), { p1: { audio: 'A', video: 'B', screen: 'C' }, p2: { video: 'D' } });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RTCRtpTransceiver } from 'werift';
import { Consumer, NO_LAYER } from './consumer.js';
import type { Producer } from './producer.js';

/** A Consumer of a three-layer camera, with the keyframe requests it makes of the publisher. */
function videoConsumer() {
  const requests: number[] = [];
  const producer = { addConsumer() {}, removeConsumer() {}, requestKeyframe: (layer: number) => requests.push(layer) };
  const consumer = new Consumer('video', {} as RTCRtpTransceiver, 90_000);
  consumer.attach(producer as unknown as Producer);
  return { consumer, requests };
}

test('before its first frame a subscriber starts on a lower layer keyframe, then switches to the target at its keyframe', () => {
  const { consumer, requests } = videoConsumer();
  consumer.setTarget(2);
  consumer.setReady(true);
  assert.deepEqual(requests.slice(-2), [2, 0], 'asks for the target and the lowest layer');
  assert.equal(consumer.takes(0, false), false, 'no picture starts without a keyframe');
  assert.equal(consumer.takes(0, true), true, 'a keyframe of a lower layer starts the picture');
  assert.equal(consumer.current, 0);
  assert.equal(consumer.takes(1, true), false, 'once started, only the target layer switches');
  requests.length = 0;
  assert.equal(consumer.takes(2, false), false);
  assert.deepEqual(requests, [2], 'the target layer flowing without a keyframe: asks for one again');
  assert.equal(consumer.takes(2, true), true);
  assert.equal(consumer.current, 2);
  assert.equal(consumer.takes(0, true), false);
});

test('a higher layer than the target never starts the picture, nor anything while paused', () => {
  const { consumer } = videoConsumer();
  consumer.setTarget(1);
  consumer.setReady(true);
  assert.equal(consumer.takes(2, true), false);
  consumer.setTarget(NO_LAYER);
  assert.equal(consumer.takes(0, true), false);
  assert.equal(consumer.current, NO_LAYER);
});

test('after a switch up, the layer switched from is the fallback for a while; a first picture leaves none', () => {
  const { consumer } = videoConsumer();
  consumer.setTarget(1);
  consumer.setReady(true);
  assert.equal(consumer.takes(1, true), true);
  assert.equal(consumer.fallback, NO_LAYER, 'the first picture is no switch up');
  consumer.setTarget(2);
  const before = performance.now();
  assert.equal(consumer.takes(2, true), true);
  assert.equal(consumer.fallback, 1);
  assert.ok(consumer.fallbackUntilMs > before + 1000, 'kept running for seconds, not one tick');
  consumer.setTarget(1);
  assert.equal(consumer.takes(1, true), true);
  assert.equal(consumer.fallback, 1, 'a switch down changes nothing');
});

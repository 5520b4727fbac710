import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { ScreenCapture } from './screen-capture.js';

class FakeTrack extends EventTarget {
  contentHint = '';
  stopped = false;
  constructor(readonly kind: string) {
    super();
  }
  stop(): void {
    this.stopped = true;
  }
}

/** A navigator whose getDisplayMedia gives `answer` (a stream's tracks, or an error to throw). */
function withDisplayMedia(answer: () => FakeTrack[]): { asked: MediaStreamConstraints[] } {
  const asked: MediaStreamConstraints[] = [];
  const getDisplayMedia = async (constraints: MediaStreamConstraints) => {
    asked.push(constraints);
    const tracks = answer();
    return { getVideoTracks: () => tracks.filter((t) => t.kind === 'video'), getAudioTracks: () => tracks.filter((t) => t.kind === 'audio') };
  };
  Object.defineProperty(globalThis, 'navigator', { value: { mediaDevices: { getDisplayMedia } }, configurable: true });
  return { asked };
}

afterEach(() => {
  Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true });
});

test('without getDisplayMedia there is nothing to offer', async () => {
  assert.equal(ScreenCapture.supported, false);
  assert.equal(await new ScreenCapture().start(), 'unsupported');
});

test('a share starts once, video only, tuned for detail; the browser\'s own "stop sharing" ends it', async () => {
  const video = new FakeTrack('video');
  const audio = new FakeTrack('audio');
  const { asked } = withDisplayMedia(() => [video, audio]);
  const capture = new ScreenCapture();
  let changes = 0;
  capture.onChange(() => changes++);
  assert.deepEqual(await Promise.all([capture.start(), capture.start()]), [null, null]);
  assert.equal(asked.length, 1);
  assert.equal(asked[0]!.audio, false);
  assert.equal(capture.track, video as unknown as MediaStreamTrack);
  assert.equal(video.contentHint, 'detail');
  assert.ok(audio.stopped);
  assert.equal(changes, 1);
  video.dispatchEvent(new Event('ended'));
  assert.equal(capture.track, null);
  assert.equal(changes, 2);
  capture.stop(); // nothing left to stop
  assert.equal(changes, 2);
});

test('closing the picker is "cancelled"; any other failure is "failed"', async () => {
  let error: Error = new DOMException('Permission denied', 'NotAllowedError');
  withDisplayMedia(() => {
    throw error;
  });
  const capture = new ScreenCapture();
  assert.equal(await capture.start(), 'cancelled');
  error = new DOMException('Could not start video source', 'NotReadableError');
  assert.equal(await capture.start(), 'failed');
  assert.equal(capture.track, null);
  // Our own stop ends the track.
  const video = new FakeTrack('video');
  withDisplayMedia(() => [video]);
  assert.equal(await capture.start(), null);
  capture.stop();
  assert.ok(video.stopped);
  assert.equal(capture.track, null);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtpHeader, RtpPacket } from 'werift';
import type { RemoteTrack } from '../protocol/messages.js';
import { Subscriber } from './subscriber.js';

const KEY = Buffer.of(0x90, 0x80, 0x80, 0x01, 0x10);
const DELTA = Buffer.of(0x90, 0x80, 0x80, 0x01, 0x11);

/** One-packet frames on an m-line: a keyframe first, then deltas, 33 ms apart from `startMs`. */
class Stream {
  seq = 1000;
  ts = 0;
  constructor(
    private readonly sub: Subscriber,
    public mid: string,
  ) {}

  frame(nowMs: number, key = this.seq === 1000): void {
    const header = new RtpHeader({ sequenceNumber: this.seq++ & 0xffff, timestamp: (this.ts += 3000), marker: true });
    this.sub.onVideo(this.mid, new RtpPacket(header, key ? KEY : DELTA), nowMs);
  }

  skip(): void {
    this.seq++;
    this.ts += 3000;
  }
}

const camera = (mid: string, participantId: string): RemoteTrack => ({ mid, participantId, kind: 'video', source: 'camera' });
const mic = (mid: string, participantId: string): RemoteTrack => ({ mid, participantId, kind: 'audio', source: 'microphone' });

test('frames of each remote video are counted from the window start; audio packets too', () => {
  const sub = new Subscriber(() => {});
  sub.setTracks([camera('3', 'a'), camera('5', 'b'), mic('4', 'a')], 0);
  const a = new Stream(sub, '3');
  const b = new Stream(sub, '5');
  a.frame(10);
  sub.startWindow(20);
  for (let t = 33; t <= 330; t += 33) {
    a.frame(t);
    b.frame(t);
  }
  sub.onAudio();
  sub.onAudio();
  const s = sub.stats(340);
  assert.equal(s.frames, 20);
  assert.equal(s.freezes, 0);
  assert.equal(s.audioPackets, 2);
  assert.equal(sub.firstFrameMs, 10);
  new Stream(sub, '99').frame(400); // an m-line nobody was announced on
  assert.equal(sub.stats(400).frames, 20);
});

test('a video moved to another m-line is the same video: the outage in between is one freeze', () => {
  const sub = new Subscriber(() => {});
  sub.setTracks([camera('3', 'a')], 0);
  sub.startWindow(0);
  const a = new Stream(sub, '3');
  let t = 0;
  for (let i = 0; i < 20; i++) a.frame((t += 33));
  sub.setTracks([camera('7', 'a')], t); // e.g. a replaced PeerConnection
  const moved = new Stream(sub, '7');
  moved.frame((t += 600)); // new sequence space, starts with a keyframe
  for (let i = 0; i < 5; i++) moved.frame((t += 33));
  a.frame(t); // the old m-line no longer counts
  const s = sub.stats(t);
  assert.equal(s.frames, 26);
  assert.equal(s.freezes, 1);
  assert.equal(s.frozenMs, 600);
});

test('held back videos are not watched, and the time is counted by reason; a video that leaves ends at its last frame', () => {
  const sub = new Subscriber(() => {});
  sub.setTracks([camera('3', 'a'), camera('5', 'b')], 0);
  sub.startWindow(0);
  const a = new Stream(sub, '3');
  const b = new Stream(sub, '5');
  let t = 0;
  for (let i = 0; i < 10; i++) {
    a.frame((t += 33));
    b.frame(t);
  }
  sub.setHeldBack([{ participantId: 'b', source: 'camera', reason: 'last-n' }], t);
  const heldAt = t;
  for (let i = 0; i < 30; i++) a.frame((t += 33));
  sub.setHeldBack([], t);
  const releasedAt = t;
  b.frame((t += 33), true);
  sub.setTracks([camera('5', 'b')], t); // a leaves
  const s = sub.stats(t + 2000); // b has frozen since, a left long ago
  assert.deepEqual(s.heldBackMs, { 'last-n': releasedAt - heldAt });
  assert.equal(s.frames, 10 + 10 + 30 + 1);
  assert.equal(s.freezes, 1); // b's ongoing freeze; a's departure is none
  assert.equal(s.frozenMs, 2000);
});

test('a stream stalled by a lost frame asks for a keyframe, at most every 500 ms', () => {
  const asked: string[] = [];
  const sub = new Subscriber((mid) => asked.push(mid));
  sub.setTracks([camera('3', 'a')], 0);
  const a = new Stream(sub, '3');
  a.frame(0);
  a.skip(); // lost
  a.frame(33);
  a.frame(66);
  a.frame(600);
  assert.deepEqual(asked, ['3', '3']);
});

test('a video watched for seconds without a frame is reported as never shown', () => {
  const sub = new Subscriber(() => {});
  sub.startWindow(0);
  sub.setTracks([camera('3', 'a')], 100);
  assert.equal(sub.stats(3000).streamsNeverShown, 1);
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import { startServer } from '../../tests/helpers/server.js';
import { createMeeting, SignalingClient } from '../../tests/helpers/signaling-client.js';
import { waitFor } from '../../tests/helpers/browser.js';
import { MediaTap, TAP_PACKETS_PER_PRODUCER, TAP_PAYLOAD_BYTES, TAP_TAIL_BYTES } from './media-tap.js';

const tapFile = () => join(mkdtempSync(join(tmpdir(), 'confab-tap-')), 'tap.jsonl');
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);

test('each producer records the first bytes of its first 300 payloads as JSON lines, then stops', () => {
  const file = tapFile();
  const tap = new MediaTap(file);
  const video = tap.recorder('camera');
  const audio = tap.recorder('microphone');
  const payload = Buffer.from(Array.from({ length: 200 }, (_, i) => i));
  let wanted = 0;
  for (let i = 0; i < TAP_PACKETS_PER_PRODUCER + 50; i++) if (video.record(payload)) wanted++;
  assert.equal(wanted, TAP_PACKETS_PER_PRODUCER - 1); // false from the last recorded packet on: the caller drops it
  audio.record(Buffer.from([0xab, 0xcd]));
  audio.record(Buffer.alloc(0)); // padding only: not recorded, not counted
  tap.close();

  const all = lines(file);
  assert.equal(all.length, TAP_PACKETS_PER_PRODUCER + 1);
  const expected = { kind: 'video', source: 'camera', size: 200, head: payload.subarray(0, TAP_PAYLOAD_BYTES).toString('hex'), tail: payload.subarray(200 - TAP_TAIL_BYTES).toString('hex') };
  assert.equal(expected.head.length, 192);
  assert.deepEqual(all[0], expected);
  assert.ok(all.slice(0, TAP_PACKETS_PER_PRODUCER).every((l) => JSON.stringify(l) === JSON.stringify(expected)));
  assert.deepEqual(all.at(-1), { kind: 'audio', source: 'microphone', size: 2, head: 'abcd', tail: 'abcd' });
});

test('a smaller bound for a short test, and appending to an existing file', () => {
  const file = tapFile();
  for (let run = 0; run < 2; run++) {
    const tap = new MediaTap(file, 2);
    const r = tap.recorder('microphone');
    assert.deepEqual([r.record(Buffer.from([1])), r.record(Buffer.from([2])), r.record(Buffer.from([3]))], [true, false, false]);
    tap.close();
  }
  assert.deepEqual(lines(file).map((l) => (l as { head: string }).head), ['01', '02', '01', '02']);
});

/** Publishes `count` Opus-typed RTP packets whose payload is 120 bytes of `i % 256`, as a werift peer. */
async function publishAudio(c: SignalingClient, count: number): Promise<() => Promise<void>> {
  const offer = await c.next('offer');
  const pc = new RTCPeerConnection({ iceAdditionalHostAddresses: ['127.0.0.1'] });
  pc.onIceCandidate.subscribe((ice) => {
    if (ice) c.send({ type: 'ice', candidate: { candidate: ice.candidate, sdpMid: ice.sdpMid ?? null, sdpMLineIndex: ice.sdpMLineIndex ?? null } });
  });
  await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
  const transceiver = pc.getTransceivers().find((t) => t.mid === offer.publish.audio)!;
  transceiver.setDirection('sendonly');
  const track = new MediaStreamTrack({ kind: 'audio' });
  await transceiver.sender.replaceTrack(track);
  const connected = new Promise<void>((resolve) => pc.connectionStateChange.subscribe((s) => s === 'connected' && resolve()));
  await pc.setLocalDescription(await pc.createAnswer());
  c.send({ type: 'answer', sdp: pc.localDescription!.sdp });
  await connected;
  for (let i = 0; i < count; i++) {
    const header = new RtpHeader({ payloadType: 111, sequenceNumber: i, timestamp: i * 960, ssrc: 1 });
    track.writeRtp(new RtpPacket(header, Buffer.alloc(120, i % 256)));
    await new Promise((r) => setTimeout(r, 2));
  }
  return () => pc.close();
}

test('through the real SFU: a warning at start, then the first 300 payloads of a publisher', { timeout: 60_000 }, async () => {
  const file = tapFile();
  const server = await startServer({ CONFAB_MEDIA_TAP_FILE: file });
  try {
    assert.equal(server.jsonLogs().filter((l) => l.includes('media tap is on')).length, 1);
    const { meetingId, hostSecret } = await createMeeting(server);
    const c = await SignalingClient.connect(server.url);
    c.join({ meetingId, name: 'Publisher', hostSecret });
    await c.next('welcome');
    const close = await publishAudio(c, TAP_PACKETS_PER_PRODUCER + 100);
    await waitFor('the tap to fill', () => (lines(file).length >= TAP_PACKETS_PER_PRODUCER ? true : undefined), 10_000);
    await close();
    c.close();
    const recorded = lines(file) as { kind: string; source: string; head: string; tail: string; size: number }[];
    assert.equal(recorded.length, TAP_PACKETS_PER_PRODUCER); // bounded, however much more was sent
    for (const { kind, source, head, tail, size } of recorded) {
      assert.equal(kind, 'audio');
      assert.equal(source, 'microphone');
      assert.equal(size, 120);
      assert.match(head, /^(..)\1{95}$/); // 96 bytes of one of the payloads sent
      assert.equal(tail, head.slice(0, 2 * TAP_TAIL_BYTES));
    }
    assert.equal(recorded[0]!.head, '00'.repeat(TAP_PAYLOAD_BYTES));
  } finally {
    await server.stop();
  }
});

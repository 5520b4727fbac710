import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PictureLossIndication,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RTCRtpHeaderExtensionParameters,
  RtcpPayloadSpecificFeedback,
  RtpHeader,
  RtpPacket,
  type RTCDtlsTransport,
  type RtcpPacket,
} from 'werift';
import { isLoopback } from '../sfu/candidates.js';
import { forEachKeyframeRequest } from '../sfu/keyframe-requests.js';
import { SyntheticPeer } from './peer.js';
import { SrtpLayerSink } from './rtp-sinks.js';
import { EXTENSION_URIS } from './sdp.js';

/** A werift PeerConnection offering like the SFU: microphone, simulcast camera and screen to receive, and one remote camera. */
async function fakeSfu() {
  const ext = (uri: string) => new RTCRtpHeaderExtensionParameters({ uri });
  const pc = new RTCPeerConnection({
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
      video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] })],
    },
    headerExtensions: { audio: [ext(EXTENSION_URIS.mid)], video: [ext(EXTENSION_URIS.mid), ext(EXTENSION_URIS.rid), ext(EXTENSION_URIS.transportCc)] },
    bundlePolicy: 'max-bundle',
    iceServers: [],
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceFilterCandidatePair: (pair) => isLoopback(pair.localCandidate.host) && isLoopback(pair.remoteCandidate.host),
  });
  const mic = pc.addTransceiver('audio', { direction: 'recvonly' });
  const camera = pc.addTransceiver('video', { direction: 'recvonly', simulcast: ['q', 'h', 'f'].map((rid) => ({ rid, direction: 'recv' as const })) });
  const screen = pc.addTransceiver('video', { direction: 'recvonly' });
  const remote = pc.addTransceiver('video', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  return { pc, mic, camera, screen, remote };
}

test('simulcast layers sent as raw RTP arrive by rid at a werift receiver, and remote video and PLIs come back', { timeout: 30_000 }, async (t) => {
  const sfu = await fakeSfu();
  let connected!: (dtls: RTCDtlsTransport) => void;
  const dtlsUp = new Promise<RTCDtlsTransport>((resolve) => (connected = resolve));
  let keyframeRequested!: (ssrc: number) => void;
  const pli = new Promise<number>((resolve) => (keyframeRequested = resolve));
  let videoOn!: (mid: string) => void;
  const video = new Promise<string>((resolve) => (videoOn = resolve));
  const peer = new SyntheticPeer({
    answer: (sdp) => void sfu.pc.setRemoteDescription({ type: 'answer', sdp }),
    candidate: (c) => void sfu.pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? undefined, sdpMLineIndex: c.sdpMLineIndex ?? undefined }),
    connected,
    failed: (reason) => assert.fail(reason),
    video: videoOn,
    audio: () => {},
    rtcp: (p: RtcpPacket) => forEachKeyframeRequest(p, keyframeRequested),
  });
  t.after(async () => {
    await peer.close();
    await sfu.pc.close();
  });
  sfu.pc.onIceCandidate.subscribe((c) => c && peer.addRemoteCandidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }));
  const mids = { audio: sfu.mic.mid!, video: sfu.camera.mid!, screen: sfu.screen.mid! };
  const tracks = await peer.handleOffer({
    type: 'offer',
    sdp: sfu.pc.localDescription!.sdp,
    publish: mids,
    tracks: [{ mid: sfu.remote.mid!, participantId: 'x', kind: 'video', source: 'camera' }],
  });
  assert.equal(tracks.length, 1);
  const camera = peer.camera!;
  assert.deepEqual(camera.rids, ['q', 'h', 'f']);
  assert.equal(camera.mid, mids.video);
  assert.ok(camera.ids.rid !== undefined && camera.ids.mid !== undefined && camera.ids.transportCc !== undefined);

  const dtls = await dtlsUp;
  const sinks = camera.rids.map((rid) => new SrtpLayerSink(dtls, camera.payloadType, camera.ids, camera.mid, rid, 1200));
  const arrived = new Map<string, RtpPacket>();
  const allArrived = new Promise<void>((resolve) => {
    for (const rid of camera.rids) {
      sfu.camera.receiver.trackByRID[rid]!.onReceiveRtp.subscribe((p) => {
        arrived.set(rid, p);
        if (arrived.size === camera.rids.length) resolve();
      });
    }
  });
  let seq = 0;
  // Until every layer got through (the first packets may race the SFU's own DTLS setup).
  const sending = setInterval(() => {
    seq++;
    sinks.forEach((s, i) => s.send(Buffer.from(`layer ${i}`), seq, seq * 3000, true));
    void sfu.remote.sender.sendRtp(new RtpPacket(new RtpHeader({ sequenceNumber: seq, timestamp: seq * 3000, marker: true }), Buffer.of(0x90, 0x80, 0x80, 1, 0x10)));
  }, 20);
  t.after(() => clearInterval(sending));
  await allArrived;
  camera.rids.forEach((rid, i) => {
    assert.equal(arrived.get(rid)!.header.ssrc, sinks[i]!.ssrc);
    assert.equal(arrived.get(rid)!.payload.toString(), `layer ${i}`);
  });

  // The remote camera the SFU sends arrives on its m-line.
  assert.equal(await video, sfu.remote.mid);
  // A keyframe request from the SFU for one layer's SSRC reaches the participant.
  await sfu.pc.dtlsTransports[0]!.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback: new PictureLossIndication({ senderSsrc: 1, mediaSsrc: sinks[2]!.ssrc }) })]);
  assert.equal(await pli, sinks[2]!.ssrc);
});

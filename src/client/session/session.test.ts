/**
 * The session against a fake WebSocket and a fake RTCPeerConnection (no browser): offers are applied
 * strictly one at a time, early ICE candidates wait for the remote description, publish
 * transceivers get our tracks, remote media is mapped by `offer.tracks`; a lost connection resumes
 * our place (or, before the welcome, retries the join) with back-off until `failed`, a failed
 * PeerConnection is replaced through `restart-ice`; meeting-not-found is final at once.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import '../zod-setup.js';
import type { MessageOf, ParticipantInfo, RemoteTrack, Role, ServerMessage } from '../../protocol/messages.js';
import type { KeyExchangeEvents, Relay } from '../e2ee/key-exchange.js';
import type { MeetingEncryption } from '../e2ee/meeting-encryption.js';
import { Emitter } from '../emitter.js';
import { DISCONNECTED_GRACE_MS, MAX_RECONNECT_ATTEMPTS, MEDIA_RESTART_TIMEOUT_MS, RESUME_WINDOW_MS } from './reconnect.js';
import { CallSession, REACTION_LIMIT, type SessionMedia } from './session.js';

const MEETING = 'AbCdEfGhIjKlMnOpQrStUv12';
const tick = () => new Promise<void>((r) => setImmediate(r));
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await tick();
}

// ------------------------------------------------------------------ fakes

class FakeWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static all: FakeWebSocket[] = [];
  readyState = FakeWebSocket.CONNECTING;
  sent: Array<Record<string, unknown>> = [];
  constructor(readonly url: string) {
    super();
    FakeWebSocket.all.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = FakeWebSocket.CLOSED;
  }
  // driven by the test:
  serverOpen(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }
  serverSend(message: ServerMessage): void {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
  }
  serverClose(code = 1006): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.dispatchEvent(Object.assign(new Event('close'), { code }));
  }
  sentOfType(type: string): Array<Record<string, unknown>> {
    return this.sent.filter((m) => m.type === type);
  }
}

interface FakeTrack {
  id: string;
  kind: string;
}

class FakeTransceiver {
  direction = 'recvonly';
  readonly receiver: { track: FakeTrack };
  readonly sender = {
    track: null as FakeTrack | null,
    replaceTrack: async (t: FakeTrack | null) => {
      this.sender.track = t;
    },
    getParameters: () => ({ encodings: [{}] as Array<{ maxBitrate?: number }> }),
    setParameters: async () => undefined,
  };
  constructor(readonly mid: string) {
    this.receiver = { track: { id: `remote-${mid}`, kind: 'unknown' } };
  }
}

class FakePeerConnection extends EventTarget {
  static all: FakePeerConnection[] = [];
  log: string[] = [];
  remoteDescription: { sdp: string } | null = null;
  connectionState = 'new';
  private readonly transceivers: FakeTransceiver[] = [];
  constructor(readonly config: RTCConfiguration) {
    super();
    FakePeerConnection.all.push(this);
  }
  /** sdp is "mids:0,1,2" in these tests; applying takes a few ticks, like a real one. */
  async setRemoteDescription(d: { sdp: string }): Promise<void> {
    this.log.push(`srd-start ${d.sdp}`);
    await settleBriefly();
    for (const mid of d.sdp.replace('mids:', '').split(',')) {
      if (!this.transceivers.some((t) => t.mid === mid)) this.transceivers.push(new FakeTransceiver(mid));
    }
    this.remoteDescription = d;
    this.log.push(`srd-end ${d.sdp}`);
  }
  async addIceCandidate(c: { candidate: string }): Promise<void> {
    if (!this.remoteDescription) throw new Error('no remote description');
    this.log.push(`ice ${c.candidate}`);
  }
  getTransceivers(): FakeTransceiver[] {
    return this.transceivers;
  }
  async createAnswer(): Promise<{ type: string; sdp: string }> {
    return { type: 'answer', sdp: `answer-to ${this.remoteDescription?.sdp}` };
  }
  async setLocalDescription(): Promise<void> {
    this.log.push('sld');
  }
  close(): void {
    this.connectionState = 'closed';
  }
  setState(s: string): void {
    this.connectionState = s;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}

async function settleBriefly(): Promise<void> {
  await tick();
  await tick();
}

function fakeMedia(): SessionMedia & { stopped: number } {
  const tracks = { audio: { id: 'mic', kind: 'audio' }, video: { id: 'cam', kind: 'video' } };
  const muted = { audio: false, video: false };
  const listeners = new Set<() => void>();
  return {
    stopped: 0,
    acquire: async () => undefined,
    isMuted: (k) => muted[k],
    setMuted(k, m) {
      muted[k] = m;
      for (const l of listeners) l();
    },
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop() {
      this.stopped++;
    },
    track: (k) => tracks[k] as unknown as MediaStreamTrack,
  };
}

const saved: Record<string, unknown> = {};
beforeEach(() => {
  FakeWebSocket.all = [];
  FakePeerConnection.all = [];
  for (const k of ['WebSocket', 'RTCPeerConnection']) saved[k] = (globalThis as Record<string, unknown>)[k];
  Object.assign(globalThis, { WebSocket: FakeWebSocket, RTCPeerConnection: FakePeerConnection });
  mock.method(console, 'info', () => undefined);
  mock.method(console, 'warn', () => undefined);
});
afterEach(() => {
  Object.assign(globalThis, saved);
  mock.restoreAll();
  mock.timers.reset();
});

function offer(mids: string[], tracks: RemoteTrack[]): ServerMessage {
  return { type: 'offer', sdp: `mids:${mids.join(',')}`, publish: { audio: '0', video: '1', screen: '2' }, tracks };
}

async function joined(session: CallSession): Promise<{ ws: FakeWebSocket; pc: FakePeerConnection }> {
  void session.start();
  await settle();
  const ws = FakeWebSocket.all.at(-1)!;
  const pc = FakePeerConnection.all.at(-1)!;
  ws.serverOpen();
  ws.serverSend(welcome('me', [{ id: 'p1', name: 'Bob', role: 'guest', audioMuted: false, videoMuted: true, verified: false, e2ee: true, screenSharing: false }]));
  return { ws, pc };
}

const STATE = { locked: false, lobbyEnabled: false, unmuteLocked: [], passwordProtected: false, allowUnencrypted: false, lastN: 9 };

const TOKEN = 'first-resume-token-0123456789';

function welcome(participantId: string, participants: ParticipantInfo[], role: Role = 'guest', title = 'Weekly'): ServerMessage {
  return { type: 'welcome', participantId, meetingId: MEETING, title, role, state: STATE, participants, resumeToken: TOKEN };
}

function person(id: string, name: string, more: Partial<ParticipantInfo> = {}): ParticipantInfo {
  return { id, name, role: 'guest', audioMuted: false, videoMuted: false, verified: false, e2ee: true, screenSharing: false, ...more };
}

/** The server's answer to our `resume` as 'me' (Ada), with a rotated token. */
function resumed(participants: ParticipantInfo[], self: Partial<ParticipantInfo> = {}, resumeToken = 'next-resume-token-0123456789'): ServerMessage {
  const w = welcome('me', participants) as MessageOf<ServerMessage, 'welcome'>;
  return { ...w, type: 'resumed', resumeToken, self: person('me', 'Ada', self) };
}

/** A MeetingEncryption stand-in that records what the session tells it. */
function fakeEncryption() {
  const calls: string[] = [];
  const events = new Emitter<KeyExchangeEvents>();
  const encryption = {
    events,
    welcomed: (id: string, others: ParticipantInfo[]) => calls.push(`welcomed ${id} [${others.map((p) => p.id).join()}]`),
    joined: (id: string) => calls.push(`joined ${id}`),
    left: (id: string) => calls.push(`left ${id}`),
    relayed: (from: string, data: string) => calls.push(`relayed ${from} ${data}`),
    update: (allow: boolean, ps: Iterable<ParticipantInfo>) => calls.push(`update ${allow} [${[...ps].map((p) => `${p.id}:${p.e2ee}`).join()}]`),
    send: async () => true,
    close: () => undefined,
    attachSender: () => undefined,
    attachReceiver: () => undefined,
    setOwners: () => undefined,
  };
  return { calls, events, encryption: encryption as unknown as MeetingEncryption };
}

// ------------------------------------------------------------------ tests

test('join, answer offers one at a time, queue early candidates, map media, connect', async () => {
  const media = fakeMedia();
  const session = new CallSession({ meetingId: MEETING, name: 'Ada', media, url: 'ws://test/ws' });
  const states: string[] = [];
  session.events.on('state', (s) => states.push(s));
  const { ws, pc } = await joined(session);

  // A guest's join carries no hostSecret field at all.
  assert.deepEqual(ws.sent[0], { type: 'join', meetingId: MEETING, name: 'Ada', audioMuted: false, videoMuted: false, e2ee: false });
  assert.equal(session.title, 'Weekly');
  assert.equal(session.role, 'guest');
  assert.equal(session.participants.get('p1')?.role, 'guest');
  assert.equal(pc.config.bundlePolicy, 'max-bundle');
  assert.equal(session.participantId, 'me');
  assert.deepEqual([...session.participants.keys()], ['p1']);

  // A candidate before any remote description, then two offers back to back.
  ws.serverSend({ type: 'ice', candidate: { candidate: 'candidate:early', sdpMid: '0', sdpMLineIndex: 0 } });
  ws.serverSend(offer(['0', '1', '2'], []));
  ws.serverSend(
    offer(['0', '1', '2', '3', '4'], [
      { mid: '3', participantId: 'p1', kind: 'audio', source: 'microphone' },
      { mid: '4', participantId: 'p1', kind: 'video', source: 'camera' },
    ]),
  );
  await settle();

  assert.deepEqual(pc.log, [
    'srd-start mids:0,1,2',
    'srd-end mids:0,1,2',
    'ice candidate:early',
    'sld',
    'srd-start mids:0,1,2,3,4',
    'srd-end mids:0,1,2,3,4',
    'sld',
  ]);
  assert.deepEqual(ws.sentOfType('answer').map((m) => m.sdp), ['answer-to mids:0,1,2', 'answer-to mids:0,1,2,3,4']);
  const [t0, t1, t2, t3] = pc.getTransceivers();
  assert.equal(t0!.direction, 'sendonly');
  assert.equal(t1!.direction, 'sendonly');
  assert.equal(t2!.direction, 'sendonly'); // the screen's m-line, ready for a share
  assert.equal(t3!.direction, 'recvonly');
  assert.equal(t0!.sender.track?.id, 'mic');
  assert.equal(t1!.sender.track?.id, 'cam');
  assert.equal(t2!.sender.track, null);
  assert.equal(session.tracks.length, 2);
  assert.equal((session.remoteMedia.get('p1')?.video as unknown as FakeTrack).id, 'remote-4');
  assert.equal((session.remoteMedia.get('p1')?.audio as unknown as FakeTrack).id, 'remote-3');

  assert.equal(session.state, 'connecting');
  pc.setState('connected');
  assert.equal(session.state, 'connected');
  assert.deepEqual(states, ['connecting', 'connected']);

  // Our own candidates go out (not the end-of-candidates null).
  pc.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: { candidate: 'candidate:mine', sdpMid: '0', sdpMLineIndex: 0 } }));
  pc.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: null }));
  assert.deepEqual(ws.sentOfType('ice'), [{ type: 'ice', candidate: { candidate: 'candidate:mine', sdpMid: '0', sdpMLineIndex: 0 } }]);

  // Mute is sent once; remote track-state and participant-left update the roster.
  session.setMuted('audio', true);
  session.setMuted('audio', true);
  assert.deepEqual(ws.sentOfType('track-state'), [{ type: 'track-state', kind: 'audio', muted: true }]);
  ws.serverSend({ type: 'track-state', participantId: 'p1', kind: 'video', muted: false });
  assert.equal(session.participants.get('p1')?.videoMuted, false);
  ws.serverSend({ type: 'participant-left', participantId: 'p1' });
  assert.equal(session.participants.size, 0);

  session.leave();
  assert.equal(session.state, 'left');
  assert.deepEqual(ws.sent.at(-1), { type: 'leave' });
  assert.equal(media.stopped, 1);
});

test('before the welcome, an unexpected close retries the join from scratch with back-off, then gives up', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const session = new CallSession({ meetingId: MEETING, name: 'Ada', media: fakeMedia(), url: 'ws://test/ws' });
  void session.start();
  await settle();
  FakeWebSocket.all[0]!.serverClose();
  for (let i = 0; i < MAX_RECONNECT_ATTEMPTS; i++) {
    assert.equal(session.state, 'reconnecting');
    mock.timers.tick(15_000);
    const ws = FakeWebSocket.all.at(-1)!;
    ws.serverOpen();
    assert.equal(ws.sent[0]?.type, 'join');
    ws.serverClose();
  }
  assert.equal(session.state, 'failed');
  assert.equal(FakeWebSocket.all.length, 1 + MAX_RECONNECT_ATTEMPTS);
});

test('in the meeting, a dropped socket resumes our place with the token on a new PeerConnection; keys learn only who came and went', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const { calls, encryption } = fakeEncryption();
  const media = fakeMedia();
  const session = new CallSession({ meetingId: MEETING, name: 'Ada', media, url: 'ws://test/ws', encryption: async () => encryption });
  const states: string[] = [];
  session.events.on('state', (s) => states.push(s));
  const presence: string[] = [];
  session.events.on('presence', (p) => presence.push(`${p.type} ${p.participant.id}`));
  const { ws, pc } = await joined(session);
  pc.setState('connected');
  session.setMuted('audio', true);

  ws.serverClose();
  assert.equal(session.state, 'reconnecting');
  assert.equal(pc.connectionState, 'closed');
  mock.timers.tick(600); // the first try after 0.5 s (± 20 %)
  const ws2 = FakeWebSocket.all[1]!;
  ws2.serverOpen();
  assert.deepEqual(ws2.sent, [{ type: 'resume', meetingId: MEETING, participantId: 'me', token: TOKEN }]);

  // Meanwhile Bob (p1) left and Cleo came; our hand is still up; the server knows we are muted.
  ws2.serverSend(resumed([person('p2', 'Cleo')], { audioMuted: true, handRaisedAt: 42 }));
  ws2.serverSend({ type: 'relay', from: 'p2', data: 'held hello' });
  assert.equal(session.participantId, 'me');
  assert.deepEqual([...session.participants.keys()], ['p2']);
  assert.equal(session.handRaisedAt, 42);
  assert.deepEqual(ws2.sentOfType('track-state'), []); // nothing the server doesn't know
  assert.deepEqual(presence, ['left p1', 'joined p2']);
  assert.deepEqual(calls, ['welcomed me [p1]', 'update false [p1:true]', 'update false [p2:true]', 'left p1', 'joined p2', 'relayed p2 held hello']);

  ws2.serverSend(offer(['0', '1', '2'], []));
  await settle();
  const pc2 = FakePeerConnection.all.at(-1)!;
  assert.notEqual(pc2, pc);
  assert.equal(pc2.getTransceivers()[0]!.sender.track?.id, 'mic');
  pc2.setState('connected');
  assert.equal(session.state, 'connected');
  assert.deepEqual(states, ['connecting', 'connected', 'reconnecting', 'connected']);

  // The next drop resumes with the rotated token; a refusal (too late) ends the call.
  ws2.serverClose();
  mock.timers.tick(600);
  const ws3 = FakeWebSocket.all[2]!;
  ws3.serverOpen();
  assert.equal(ws3.sent[0]?.token, 'next-resume-token-0123456789');
  ws3.serverSend({ type: 'error', code: 'resume-failed', message: 'too late', inReplyTo: 'resume', recoverable: false });
  assert.equal(session.state, 'failed');
  assert.equal(session.error, 'resume-failed');
  assert.equal(media.stopped, 1);
  mock.timers.tick(RESUME_WINDOW_MS);
  assert.equal(FakeWebSocket.all.length, 3);
});

test('a resume that gets nowhere for RESUME_WINDOW_MS gives up; Rejoin is a fresh join', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const session = new CallSession({ meetingId: MEETING, name: 'Ada', media: fakeMedia(), url: 'ws://test/ws' });
  const { ws, pc } = await joined(session);
  pc.setState('connected');
  ws.serverClose();
  for (let elapsed = 0; elapsed < RESUME_WINDOW_MS; elapsed += 1000) {
    mock.timers.tick(1000);
    FakeWebSocket.all.at(-1)!.serverClose(); // offline: every try fails at once
  }
  assert.equal(session.state, 'failed');
  assert.equal(session.error, null);
  assert.ok(FakeWebSocket.all.length > 6, `${FakeWebSocket.all.length} sockets`);
  assert.ok(FakeWebSocket.all.slice(1).every((w) => w.sent.length === 0 || w.sent[0]?.type === 'resume'));

  void session.start();
  await settle();
  const fresh = FakeWebSocket.all.at(-1)!;
  fresh.serverOpen();
  assert.equal(fresh.sent[0]?.type, 'join');
});

test('meeting-not-found is final: failed at once, with the code', async () => {
  const media = fakeMedia();
  const session = new CallSession({ meetingId: MEETING, name: 'Ada', media, url: 'ws://test/ws' });
  void session.start();
  await settle();
  const ws = FakeWebSocket.all[0]!;
  ws.serverOpen();
  ws.serverSend({ type: 'error', code: 'meeting-not-found', message: 'no', inReplyTo: 'join', recoverable: false });
  assert.equal(session.state, 'failed');
  assert.equal(session.error, 'meeting-not-found');
  assert.equal(FakeWebSocket.all.length, 1);
  assert.equal(media.stopped, 1);
});

test('a PeerConnection that fails while the socket works is replaced through restart-ice; invalid server messages are ignored', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const session = new CallSession({ meetingId: MEETING, name: 'Ada', media: fakeMedia(), url: 'ws://test/ws' });
  const { ws, pc } = await joined(session);
  ws.serverSend(offer(['0', '1', '2'], []));
  await settle();
  pc.setState('connected');
  ws.dispatchEvent(new MessageEvent('message', { data: '{"type":"offer","sdp":""}' }));
  ws.dispatchEvent(new MessageEvent('message', { data: 'not json' }));
  assert.equal(session.state, 'connected');

  pc.setState('failed');
  assert.equal(session.state, 'reconnecting');
  assert.deepEqual(ws.sentOfType('restart-ice'), [{ type: 'restart-ice' }]);
  // An offer of the old connection, still on its way, is not answered.
  ws.serverSend(offer(['0', '1', '2', '3'], []));
  await settle();
  assert.equal(ws.sentOfType('answer').length, 1);

  ws.serverSend({ type: 'restart-ice' });
  assert.equal(pc.connectionState, 'closed');
  ws.serverSend(offer(['0', '1', '2'], []));
  await settle();
  const pc2 = FakePeerConnection.all.at(-1)!;
  assert.notEqual(pc2, pc);
  assert.deepEqual(pc2.log, ['srd-start mids:0,1,2', 'srd-end mids:0,1,2', 'sld']);
  assert.equal(pc2.getTransceivers()[1]!.sender.track?.id, 'cam');
  pc2.setState('connected');
  assert.equal(session.state, 'connected');

  // Disconnected for a while: restart-ice again; no answer to it (a socket that only looks open):
  // then the socket is renewed too, and our place resumed.
  pc2.setState('disconnected');
  mock.timers.tick(DISCONNECTED_GRACE_MS);
  assert.equal(ws.sentOfType('restart-ice').length, 2);
  mock.timers.tick(MEDIA_RESTART_TIMEOUT_MS);
  assert.equal(ws.readyState, FakeWebSocket.CLOSED);
  mock.timers.tick(1000); // the first resume try
  assert.equal(FakeWebSocket.all.length, 2);
  FakeWebSocket.all[1]!.serverOpen();
  assert.equal(FakeWebSocket.all[1]!.sent[0]?.type, 'resume');
});

test('a host joins with the secret from the link; welcome brings title and role; roles change', async () => {
  const SECRET = 'S3cr3t-_S3cr3t-_S3cr3t-_S3cr3t-_S3cr3t-_abc';
  const session = new CallSession({ meetingId: MEETING, name: 'Hana', media: fakeMedia(), url: 'ws://test/ws', hostSecret: SECRET, title: 'From pre-join' });
  assert.equal(session.title, 'From pre-join');
  assert.equal(session.role, null);
  let meetingEvents = 0;
  session.events.on('meeting', () => meetingEvents++);
  void session.start();
  await settle();
  const ws = FakeWebSocket.all[0]!;
  ws.serverOpen();
  assert.deepEqual(ws.sent[0], { type: 'join', meetingId: MEETING, name: 'Hana', audioMuted: false, videoMuted: false, e2ee: false, hostSecret: SECRET });
  ws.serverSend(welcome('me', [{ id: 'p1', name: 'Gus', role: 'guest', audioMuted: false, videoMuted: false, verified: false, e2ee: true, screenSharing: false }], 'host', 'Class 7b'));
  assert.equal(session.title, 'Class 7b');
  assert.equal(session.role, 'host');
  assert.equal(meetingEvents, 1);

  ws.serverSend({ type: 'role-changed', participantId: 'p1', role: 'moderator' });
  assert.equal(session.participants.get('p1')?.role, 'moderator');
  ws.serverSend({ type: 'role-changed', participantId: 'me', role: 'moderator' });
  assert.equal(session.role, 'moderator');
  assert.equal(meetingEvents, 2);
  session.leave();
});

test('a join refused for too many attempts is final, not retried', async () => {
  const session = new CallSession({ meetingId: MEETING, name: 'Ada', media: fakeMedia(), url: 'ws://test/ws' });
  void session.start();
  await settle();
  const ws = FakeWebSocket.all[0]!;
  ws.serverOpen();
  ws.serverSend({ type: 'error', code: 'rate-limited', message: 'too many failed attempts; try again in 60 s', inReplyTo: 'join', recoverable: false });
  assert.equal(session.state, 'failed');
  assert.equal(session.error, 'rate-limited');
  assert.equal(FakeWebSocket.all.length, 1);
});

test('with encryption: the join says so, relays go both ways, the meeting\'s events reach the key exchange, chat is kept', async () => {
  const { calls, events, encryption } = fakeEncryption();
  let relay: Relay | undefined;
  const session = new CallSession({
    meetingId: MEETING,
    name: 'Ada',
    media: fakeMedia(),
    url: 'ws://test/ws',
    encryption: async (r) => {
      relay = r;
      return encryption;
    },
  });
  const { ws } = await joined(session);
  assert.equal(ws.sent[0]?.e2ee, true);

  relay!('p1', 'to-one');
  relay!(undefined, 'to-all');
  assert.deepEqual(ws.sent.slice(-2), [{ type: 'relay', to: 'p1', data: 'to-one' }, { type: 'relay', data: 'to-all' }]);

  const p2: ParticipantInfo = { id: 'p2', name: 'Old browser', role: 'guest', audioMuted: false, videoMuted: false, verified: false, e2ee: false, screenSharing: false };
  ws.serverSend({ type: 'relay', from: 'p1', data: 'hello' });
  ws.serverSend({ type: 'participant-joined', participant: p2 });
  ws.serverSend({ type: 'meeting-state', state: { ...STATE, allowUnencrypted: true } });
  ws.serverSend({ type: 'participant-left', participantId: 'p2' });
  assert.deepEqual(calls, [
    'welcomed me [p1]',
    'update false [p1:true]',
    'relayed p1 hello',
    'joined p2',
    'update false [p1:true,p2:false]',
    'update true [p1:true,p2:false]',
    'left p2',
    'update true [p1:true]',
  ]);

  events.emit('payload', { from: 'p1', payload: { kind: 'chat', name: 'Bob', text: 'hi', sentAt: 1 } });
  assert.equal(await session.sendChat('hello Bob'), true);
  assert.deepEqual(
    session.chat.map((m) => [m.from, m.name, m.text]),
    [
      ['p1', 'Bob', 'hi'],
      [null, 'Ada', 'hello Bob'],
    ],
  );
  session.dispose();
});

test('reactions: sent encrypted and rate-limited, received ones become events; hands and presence follow the server', async () => {
  const events = new Emitter<KeyExchangeEvents>();
  const sent: unknown[] = [];
  const encryption = {
    events,
    welcomed: () => undefined,
    joined: () => undefined,
    left: () => undefined,
    relayed: () => undefined,
    update: () => undefined,
    send: async (payload: unknown) => sent.push(payload) > 0,
    close: () => undefined,
  };
  const session = new CallSession({
    meetingId: MEETING,
    name: 'Ada',
    media: fakeMedia(),
    url: 'ws://test/ws',
    encryption: async () => encryption as unknown as MeetingEncryption,
  });
  const reactions: unknown[] = [];
  session.events.on('reaction', (r) => reactions.push(r));
  const { ws } = await joined(session);

  const results = [];
  for (let i = 0; i < REACTION_LIMIT.max + 1; i++) results.push(await session.sendReaction('👏'));
  assert.deepEqual(results, [...Array<boolean>(REACTION_LIMIT.max).fill(true), false]);
  assert.deepEqual(sent, Array(REACTION_LIMIT.max).fill({ kind: 'reaction', emoji: '👏' }));
  events.emit('payload', { from: 'p1', payload: { kind: 'reaction', emoji: '🎉' } });
  assert.deepEqual(reactions, [...Array(REACTION_LIMIT.max).fill({ from: null, emoji: '👏' }), { from: 'p1', emoji: '🎉' }]);

  const moderation: unknown[] = [];
  const presence: string[] = [];
  session.events.on('moderation', (ev) => moderation.push(ev));
  session.events.on('presence', (ev) => presence.push(`${ev.type} ${ev.participant.name}`));
  session.raiseHand(true);
  assert.deepEqual(ws.sent.at(-1), { type: 'raise-hand', raised: true });
  ws.serverSend({ type: 'hand', participantId: 'me', raisedAt: 10 });
  ws.serverSend({ type: 'hand', participantId: 'p1', raisedAt: 11 });
  assert.equal(session.handRaisedAt, 10);
  assert.equal(session.participants.get('p1')!.handRaisedAt, 11);
  assert.deepEqual(moderation, [{ type: 'hand-raised', participantId: 'p1' }]); // not for our own hand
  session.lowerHand('p1');
  assert.deepEqual(ws.sent.at(-1), { type: 'lower-hand', participantId: 'p1' });
  ws.serverSend({ type: 'hand', participantId: 'p1', raisedAt: null });
  assert.equal(session.participants.get('p1')!.handRaisedAt, undefined);

  const cleo: ParticipantInfo = { id: 'p2', name: 'Cleo', role: 'guest', audioMuted: false, videoMuted: false, verified: false, e2ee: true, screenSharing: false };
  ws.serverSend({ type: 'participant-joined', participant: cleo });
  ws.serverSend({ type: 'participant-left', participantId: 'p2' });
  ws.serverSend({ type: 'participant-left', participantId: 'unknown' });
  assert.deepEqual(presence, ['joined Cleo', 'left Cleo']);
  session.dispose();
});

/** A screen capture the test starts and ends (the browser's "stop sharing" is `end`). */
function fakeScreen() {
  const listeners = new Set<() => void>();
  const emit = () => listeners.forEach((l) => l());
  const screen = {
    track: null as MediaStreamTrack | null,
    answer: null as 'cancelled' | null,
    async start() {
      if (screen.answer) return screen.answer;
      screen.track = { id: 'screen', kind: 'video' } as unknown as MediaStreamTrack;
      emit();
      return null;
    },
    stop() {
      if (!screen.track) return;
      screen.track = null;
      emit();
    },
    onChange(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return screen;
}

test('screen sharing: our share goes on the screen m-line and is announced; others\' shares are ordered; a moderator\'s stop ends ours', async () => {
  const screen = fakeScreen();
  const session = new CallSession({ meetingId: MEETING, name: 'Ada', media: fakeMedia(), screen, url: 'ws://test/ws' });
  const moderation: unknown[] = [];
  session.events.on('moderation', (ev) => moderation.push(ev));
  const { ws, pc } = await joined(session);
  ws.serverSend(offer(['0', '1', '2'], []));
  await settle();
  pc.setState('connected');
  const shared = () => ws.sentOfType('screen-share').map((m) => m.active);

  // Closing the picker sends nothing.
  screen.answer = 'cancelled';
  assert.equal(await session.startScreenShare(), 'cancelled');
  assert.deepEqual(shared(), []);
  screen.answer = null;
  assert.equal(await session.startScreenShare(), null);
  await settle();
  assert.deepEqual(shared(), [true]);
  assert.equal(pc.getTransceivers()[2]!.sender.track?.id, 'screen');
  assert.deepEqual(session.screenShares.ids(), ['me']);

  // Someone else shares: listed after us (newer), marked in the roster, their screen mapped by source.
  ws.serverSend({ type: 'screen-share', participantId: 'me', active: true }); // the echo changes nothing
  ws.serverSend({ type: 'screen-share', participantId: 'p1', active: true });
  assert.deepEqual(session.screenShares.ids(), ['me', 'p1']);
  assert.equal(session.participants.get('p1')?.screenSharing, true);
  ws.serverSend(offer(['0', '1', '2', '3', '4'], [{ mid: '3', participantId: 'p1', kind: 'video', source: 'camera' }, { mid: '4', participantId: 'p1', kind: 'video', source: 'screen' }]));
  await settle();
  assert.equal((session.remoteMedia.get('p1')?.screen as unknown as FakeTrack).id, 'remote-4');
  assert.equal((session.remoteMedia.get('p1')?.video as unknown as FakeTrack).id, 'remote-3');

  // A moderator stops ours: the capture ends, and the server, which stopped it, isn't told again.
  ws.serverSend({ type: 'screen-stopped-by-moderator' });
  await settle();
  assert.equal(screen.track, null);
  assert.deepEqual(moderation, [{ type: 'screen-stopped' }]);
  assert.deepEqual(shared(), [true]);
  assert.equal(pc.getTransceivers()[2]!.sender.track, null);
  assert.deepEqual(session.screenShares.ids(), ['p1']);

  // Sharing again, then the browser's own "stop sharing" ends the track.
  await session.startScreenShare();
  screen.stop();
  assert.deepEqual(shared(), [true, true, false]);
  ws.serverSend({ type: 'participant-left', participantId: 'p1' });
  assert.deepEqual(session.screenShares.ids(), []);

  // Sharing again while the connection was down: after the resume, the server learns of it.
  mock.timers.enable({ apis: ['setTimeout'] });
  ws.serverClose();
  await session.startScreenShare();
  mock.timers.tick(1300);
  const ws2 = FakeWebSocket.all.at(-1)!;
  assert.notEqual(ws2, ws);
  ws2.serverOpen();
  ws2.serverSend(resumed([]));
  assert.deepEqual(ws2.sentOfType('screen-share'), [{ type: 'screen-share', active: true }]);
  assert.deepEqual(session.screenShares.ids(), ['me']);

  // Leaving ends a share.
  session.leave();
  assert.equal(screen.track, null);
  assert.deepEqual(session.screenShares.ids(), []);
  session.dispose();
});

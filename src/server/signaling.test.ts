/** Signaling over a real WebSocket against the real server process: bad input never kills it. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { HARD_MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES } from '../protocol/messages.js';
import { startServer, type RunningServer } from '../../tests/helpers/server.js';
import { createMeeting, SignalingClient } from '../../tests/helpers/signaling-client.js';

let server: RunningServer;
/** In every relayed payload below; the server's log must never contain it. */
const RELAY_MARKER = 'ciphertext-4f1d9a';
before(async () => {
  server = await startServer();
  server.mustNotLog('Ada', 'Grace', 'Signaling test', 'Lin', 'Knut', RELAY_MARKER);
});
after(async () => {
  await server.stop();
});

/** A client of the test server. */
class Client extends SignalingClient {
  constructor(origin?: string, options: { url?: string; autoPong?: boolean } = {}) {
    super(options.url ?? server.url, { ...(origin ? { origin } : {}), ...(options.autoPong === undefined ? {} : { autoPong: options.autoPong }) });
  }
}

describe('signaling validation', () => {
  test('malformed JSON gets bad-json and the connection stays open', async () => {
    const c = await new Client().open();
    c.send('{"type": "join", ');
    const e = await c.next('error');
    assert.equal(e.code, 'bad-json');
    assert.equal(e.recoverable, true);
    await c.assertAlive();
    c.ws.close();
  });

  test('an unknown type is named in the error', async () => {
    const c = await new Client().open();
    c.send({ type: 'launch-missiles' });
    const e = await c.next('error');
    assert.equal(e.code, 'unknown-type');
    assert.match(e.message, /launch-missiles/);
    await c.assertAlive();
    c.ws.close();
  });

  test('a wrong field type names the field', async () => {
    const c = await new Client().open();
    c.send({ type: 'join', meetingId: 'x'.repeat(22), name: 42 });
    const e = await c.next('error');
    assert.equal(e.code, 'invalid-message');
    assert.equal(e.inReplyTo, 'join');
    assert.match(e.message, /^name:/);
    c.send({ type: 'track-state', kind: 'smell', muted: true });
    const e2 = await c.next('error');
    assert.equal(e2.code, 'invalid-message');
    assert.match(e2.message, /^kind:/);
    c.send([1, 2]);
    assert.equal((await c.next('error')).code, 'invalid-message');
    await c.assertAlive();
    c.ws.close();
  });

  test('a message over the soft size limit gets too-large and the connection stays open', async () => {
    const c = await new Client().open();
    c.send({ type: 'relay', data: 'v'.repeat(MAX_MESSAGE_BYTES + 10) });
    const e = await c.next('error');
    assert.equal(e.code, 'too-large');
    await c.assertAlive();
    c.ws.close();
  });

  test('a frame over the hard limit closes the connection with 1009, and the server lives on', async () => {
    const c = await new Client().open();
    c.send('x'.repeat(HARD_MAX_MESSAGE_BYTES + 1));
    assert.equal(await c.waitClosed(), 1009);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
  });

  test('binary frames are refused with an error', async () => {
    const c = await new Client().open();
    c.ws.send(Buffer.from([1, 2, 3]));
    const e = await c.next('error');
    assert.equal(e.code, 'invalid-message');
    assert.match(e.message, /binary/);
    await c.assertAlive();
    c.ws.close();
  });

  test('messages in the wrong state get wrong-state', async () => {
    const c = await new Client().open();
    c.send({ type: 'answer', sdp: 'v=0' });
    const e = await c.next('error');
    assert.equal(e.code, 'wrong-state');
    assert.equal(e.inReplyTo, 'answer');
    c.send({ type: 'ice', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' } });
    assert.equal((await c.next('error')).code, 'wrong-state');

    const { meetingId, hostSecret } = await createMeeting(server, 'Signaling test');
    c.join({ meetingId, name: 'Ada', hostSecret });
    await c.next('welcome');
    c.join({ meetingId, name: 'Ada', hostSecret });
    const again = await c.next('error');
    assert.equal(again.code, 'wrong-state');
    await c.next('offer');
    c.ws.close();
  });

  test('an unknown meeting is refused and the connection closed', async () => {
    const c = await new Client().open();
    c.join({ meetingId: 'A'.repeat(22), name: 'Ada' });
    const e = await c.next('error');
    assert.equal(e.code, 'meeting-not-found');
    assert.equal(e.recoverable, false);
    assert.equal(await c.waitClosed(), 1008);
  });

  test('a flood of messages is rate-limited without closing', async () => {
    const c = await new Client().open();
    for (let i = 0; i < 400; i++) c.send({ type: 'leave' });
    const e = await c.next('error');
    assert.ok(['wrong-state', 'rate-limited'].includes(e.code));
    let sawLimit = false;
    for (let i = 0; i < 400 && !sawLimit; i++) sawLimit = (await c.next('error')).code === 'rate-limited';
    assert.ok(sawLimit, 'expected a rate-limited error');
    c.ws.close();
  });

  test('a cross-origin page cannot open the signaling socket', async () => {
    const c = new Client('https://evil.example');
    await assert.rejects(c.open(), /403/);
  });
});

describe('relay', () => {
  /** A host, two admitted guests and one still in the lobby, all over real WebSockets. */
  async function meetingOfFour() {
    const { meetingId, hostSecret } = await createMeeting(server, 'Signaling test');
    const host = await new Client().open();
    host.join({ meetingId, name: 'Ada', hostSecret });
    const { participantId: hostId } = await host.next('welcome');
    const admit = async (name: string) => {
      const c = await new Client().open();
      c.join({ meetingId, name });
      host.send({ type: 'admit', participantId: (await host.next('knock')).knocker.id });
      return { c, id: (await c.next('welcome')).participantId };
    };
    const a = await admit('Grace');
    const b = await admit('Lin');
    const lobby = await new Client().open();
    lobby.join({ meetingId, name: 'Knut' });
    await lobby.next('lobby-wait');
    const lobbyId = (await host.next('knock')).knocker.id;
    return { host, hostId, a, b, lobby, lobbyId, all: [host, a.c, b.c, lobby] };
  }

  /** Relays received and not yet taken. */
  const relays = (c: Client) => c.types().filter((t) => t === 'relay');

  test('to one participant: only they get it, and "from" is set by the server', async () => {
    const { host, hostId, a, b, lobby, all } = await meetingOfFour();
    a.c.send({ type: 'relay', to: hostId, data: `${RELAY_MARKER}-1`, from: b.id }); // a forged "from" is ignored
    assert.deepEqual(await host.next('relay'), { type: 'relay', from: a.id, data: `${RELAY_MARKER}-1` });
    // Barrier: b's first relay must be this later broadcast, so the unicast never reached b.
    host.send({ type: 'relay', data: `${RELAY_MARKER}-2` });
    assert.deepEqual(await b.c.next('relay'), { type: 'relay', from: hostId, data: `${RELAY_MARKER}-2` });
    assert.deepEqual(await a.c.next('relay'), { type: 'relay', from: hostId, data: `${RELAY_MARKER}-2` });
    // The broadcast went neither back to the host nor to the lobby: a reply on each socket comes after it.
    await host.assertAlive();
    await lobby.assertAlive();
    assert.deepEqual([relays(host), relays(lobby)], [[], []]);
    for (const c of all) c.ws.close();
  });

  test('to everyone: every other admitted participant, never the lobby; lobby guests cannot send', async () => {
    const { host, hostId, a, b, lobby, all } = await meetingOfFour();
    b.c.send({ type: 'relay', data: `${RELAY_MARKER}-3` });
    for (const c of [host, a.c]) assert.deepEqual(await c.next('relay'), { type: 'relay', from: b.id, data: `${RELAY_MARKER}-3` });
    lobby.send({ type: 'relay', data: `${RELAY_MARKER}-4` });
    const e = await lobby.next('error');
    assert.deepEqual([e.code, e.recoverable, e.inReplyTo], ['wrong-state', true, 'relay']);
    lobby.send({ type: 'relay', to: hostId, data: `${RELAY_MARKER}-5` });
    assert.equal((await lobby.next('error')).code, 'wrong-state');
    assert.deepEqual(relays(lobby), []); // and b's broadcast never reached the lobby
    await b.c.assertAlive();
    assert.deepEqual(relays(b.c), []); // nor came back to b
    // The lobby guest's attempts reached nobody: the host's next relay is a later one.
    a.c.send({ type: 'relay', to: hostId, data: `${RELAY_MARKER}-6` });
    assert.equal((await host.next('relay')).data, `${RELAY_MARKER}-6`);
    // Before joining, nothing can be relayed either.
    const stranger = await new Client().open();
    stranger.send({ type: 'relay', data: `${RELAY_MARKER}-7` });
    assert.equal((await stranger.next('error')).code, 'wrong-state');
    for (const c of [...all, stranger]) c.ws.close();
  });

  test('to an unknown id, to oneself or to a lobby guest: no-such-participant, and the connection lives on', async () => {
    const { host, a, lobbyId, all } = await meetingOfFour();
    for (const to of ['no-such-id', a.id, lobbyId]) {
      a.c.send({ type: 'relay', to, data: `${RELAY_MARKER}-8` });
      const e = await a.c.next('error');
      assert.deepEqual([e.code, e.recoverable, e.inReplyTo], ['no-such-participant', true, 'relay'], to);
      assert.ok(!e.message.includes(RELAY_MARKER));
    }
    await a.c.assertAlive();
    a.c.send({ type: 'relay', data: 'x'.repeat(16 * 1024 + 1) });
    assert.equal((await a.c.next('error')).code, 'invalid-message');
    a.c.send({ type: 'relay', data: `${RELAY_MARKER}-9` });
    assert.equal((await host.next('relay')).data, `${RELAY_MARKER}-9`);
    for (const c of all) c.ws.close();
  });
});

describe('signaling flow', () => {
  test('join, offer, presence, track state and leave', async () => {
    const { meetingId, hostSecret } = await createMeeting(server, 'Signaling test');
    const a = await new Client().open();
    a.join({ meetingId, name: '  Ada  ', audioMuted: false, videoMuted: true, hostSecret });
    const welcomeA = await a.next('welcome');
    assert.equal(welcomeA.meetingId, meetingId);
    assert.equal(welcomeA.role, 'host');
    assert.deepEqual(welcomeA.participants, []);
    const offer = await a.next('offer');
    assert.match(offer.sdp, /^v=0/);
    assert.notEqual(offer.publish.audio, offer.publish.video);
    assert.deepEqual(offer.tracks, []);
    assert.match(offer.sdp, /a=group:BUNDLE/);
    assert.match(offer.sdp, /transport-cc/);
    // Only loopback candidates are offered when the media plane listens on loopback, on UDP ports
    // from the configured range (the test server uses the default 40000-49999).
    const candidates = offer.sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    assert.ok(candidates.length > 0);
    for (const line of candidates) {
      const [, , protocol, , address, port] = line.split(' ');
      assert.equal(address, '127.0.0.1');
      assert.equal(protocol?.toLowerCase(), 'udp');
      assert.ok(Number(port) >= 40000 && Number(port) <= 49999, line);
    }

    const b = await new Client().open();
    b.join({ meetingId, name: 'Grace' });
    // Guests wait in the lobby until the host lets them in.
    const knock = await a.next('knock');
    assert.equal(knock.knocker.name, 'Grace');
    a.send({ type: 'admit', participantId: knock.knocker.id });
    const welcomeB = await b.next('welcome');
    assert.equal(welcomeB.title, 'Signaling test');
    assert.equal(welcomeB.role, 'guest');
    assert.deepEqual(welcomeB.participants, [{ id: welcomeA.participantId, name: 'Ada', role: 'host', audioMuted: false, videoMuted: true, verified: false, e2ee: true, screenSharing: false }]);
    const joined = await a.next('participant-joined');
    assert.equal(joined.participant.id, welcomeB.participantId);
    assert.equal(joined.participant.name, 'Grace');

    b.send({ type: 'track-state', kind: 'audio', muted: true });
    const ts = await a.next('track-state');
    assert.deepEqual(ts, { type: 'track-state', participantId: welcomeB.participantId, kind: 'audio', muted: true });

    b.send({ type: 'leave' });
    const left = await a.next('participant-left');
    assert.equal(left.participantId, welcomeB.participantId);
    assert.equal(await b.waitClosed(), 1000);
    a.ws.close();
  });

  test('a client that stops answering pings is dropped; one that answers stays', async () => {
    // The dropped participant may resume for a second; then the others see them leave.
    const quick = await startServer({ CONFAB_HEARTBEAT_SECONDS: '1', CONFAB_RESUME_GRACE_SECONDS: '1' });
    try {
      const { meetingId, hostSecret } = await createMeeting(quick, 'Signaling test');
      const live = await new Client(undefined, { url: quick.url }).open();
      live.join({ meetingId, name: 'Live', hostSecret });
      await live.next('welcome');
      const dead = await new Client(undefined, { url: quick.url, autoPong: false }).open();
      dead.join({ meetingId, name: 'Dead', hostSecret });
      const { participantId } = await dead.next('welcome');
      // Dropped at the second tick at the latest; the live client has answered a ping by then.
      await dead.waitClosed(5000);
      const left = await live.next('participant-left', 5000);
      assert.equal(left.participantId, participantId);
      assert.equal(live.ws.readyState, WebSocket.OPEN);
      live.ws.close();
    } finally {
      await quick.stop();
    }
  });

  test('server logs never contain display names or addresses', () => {
    const text = server.jsonLogs().join('\n');
    assert.ok(server.jsonLogs().length > 5);
    for (const secret of ['Ada', 'Grace', '127.0.0.1']) assert.ok(!text.includes(secret), `log contains ${secret}`);
  });
});

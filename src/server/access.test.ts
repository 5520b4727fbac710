/**
 * Tests that act as the attacker against the real server process: guessing meeting ids, brute-forcing
 * the host key and host secrets, and checking that meetings and host links survive a restart.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import WebSocket from 'ws';
import { ServerMessage } from '../protocol/messages.js';
import { startServer, type RunningServer } from '../../tests/helpers/server.js';
import { createMeeting, SignalingClient } from '../../tests/helpers/signaling-client.js';

/** One join attempt over a fresh WebSocket; returns the first reply. */
async function tryJoin(
  server: RunningServer,
  meetingId: string,
  hostSecret?: string,
  extra: { password?: string; forwardedFor?: string; e2ee?: boolean } = {},
): Promise<ServerMessage> {
  const headers = extra.forwardedFor ? { 'X-Forwarded-For': extra.forwardedFor } : undefined;
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, headers ? { headers } : {});
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const password = extra.password === undefined ? {} : { password: extra.password };
  const join = { type: 'join', meetingId, name: 'Mallory', e2ee: extra.e2ee ?? true, ...(hostSecret ? { hostSecret } : {}), ...password };
  ws.send(JSON.stringify(join));
  const reply = await new Promise<ServerMessage>((resolve) => ws.once('message', (d) => resolve(ServerMessage.parse(JSON.parse(String(d))))));
  ws.close();
  return reply;
}

const randomId = () => randomBytes(16).toString('base64url');

test('10,000 random meeting ids are all refused with one uniform answer, then throttled', { timeout: 120_000 }, async () => {
  const server = await startServer();
  try {
    const real = await createMeeting(server, 'Private');
    const bodies = new Set<string>();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const res = await fetch(`${server.url}/api/meetings/${randomId()}`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 404) bodies.add(await res.text());
      else await res.arrayBuffer();
    }
    assert.deepEqual([...statuses.keys()].sort(), [404, 429], JSON.stringify([...statuses]));
    assert.deepEqual([...bodies], ['{"error":"not-found"}']);
    assert.ok(statuses.get(429)! > 9_000, `only ${statuses.get(429)} refused by the throttle`);
    // Once throttled, a real id answers the same as a fake one: the guesser learns nothing.
    const realNow = await fetch(`${server.url}/api/meetings/${real.meetingId}`);
    assert.equal(realNow.status, 429);
    assert.ok(Number(realNow.headers.get('retry-after')) >= 1);
  } finally {
    await server.stop();
  }
});

test('an unknown meeting and a wrong host secret get the same answer when joining; guessing is throttled', async () => {
  const server = await startServer();
  try {
    const { meetingId, hostSecret } = await createMeeting(server, 'Private');
    const unknown = await tryJoin(server, randomId());
    const wrongSecret = await tryJoin(server, meetingId, randomBytes(32).toString('base64url'));
    assert.equal(unknown.type, 'error');
    assert.deepEqual(wrongSecret, unknown);
    // Five failures are free (two used above); then every attempt is refused with a retry time.
    const replies: ServerMessage[] = [];
    for (let i = 0; i < 6; i++) replies.push(await tryJoin(server, randomId()));
    const codes = replies.map((r) => (r.type === 'error' ? r.code : r.type));
    assert.deepEqual(codes.slice(0, 3), ['meeting-not-found', 'meeting-not-found', 'meeting-not-found']);
    assert.ok(codes.slice(4).every((c) => c === 'rate-limited'), codes.join());
    const limited = replies.at(-1)!;
    assert.ok(limited.type === 'error' && /try again in \d+ s/.test(limited.message));
    // While throttled, even the right host secret is refused: no oracle for guesses.
    const right = await tryJoin(server, meetingId, hostSecret);
    assert.ok(right.type === 'error' && right.code === 'rate-limited');
  } finally {
    await server.stop();
  }
});

async function createWithPassword(server: RunningServer, password: string): Promise<{ meetingId: string; hostSecret: string }> {
  const res = await fetch(`${server.url}/api/meetings`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.hostKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: 'Protected', password, lobby: false }),
  });
  assert.equal(res.status, 201);
  return (await res.json()) as { meetingId: string; hostSecret: string };
}

test('a password brute force from one client is refused, then throttled with a growing back-off', async () => {
  const server = await startServer();
  try {
    const { meetingId } = await createWithPassword(server, 'correct horse');
    const noPassword = await tryJoin(server, meetingId);
    assert.ok(noPassword.type === 'error' && noPassword.code === 'password-required' && /needs a password/.test(noPassword.message));
    const replies: string[] = [];
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await tryJoin(server, meetingId, undefined, { password: `guess-${i}` });
      assert.equal(r.type, 'error');
      if (r.type !== 'error') continue;
      replies.push(r.code);
      const wait = /try again in (\d+) s/.exec(r.message);
      if (wait) waits.push(Number(wait[1]));
    }
    // Five wrong guesses are answered as such (the fifth already names a wait); then only "try again in N s".
    assert.deepEqual(replies.slice(0, 5), Array(5).fill('password-required'));
    assert.ok(replies.slice(6).every((c) => c === 'rate-limited'), replies.join());
    assert.ok(waits.length >= 5 && waits.every((w) => w >= 1), waits.join());
    // The right password is refused too while throttled: guessing can't be sped up.
    const right = await tryJoin(server, meetingId, undefined, { password: 'correct horse' });
    assert.ok(right.type === 'error' && right.code === 'rate-limited');
  } finally {
    await server.stop();
  }
});

test('password guesses spread over many clients are throttled per meeting', async () => {
  const server = await startServer({ CONFAB_TRUST_PROXY: 'true' });
  try {
    const { meetingId, hostSecret } = await createWithPassword(server, 'correct horse');
    const codes: string[] = [];
    for (let i = 0; i < 24; i++) {
      // Each attempt claims another client address, so per-client throttling never triggers.
      const r = await tryJoin(server, meetingId, undefined, { password: `guess-${i}`, forwardedFor: `198.51.100.${i + 1}` });
      codes.push(r.type === 'error' ? r.code : r.type);
    }
    assert.deepEqual(codes.slice(0, 20), Array(20).fill('password-required'));
    assert.ok(codes.slice(21).every((c) => c === 'rate-limited'), codes.join());
    // While the meeting's wait lasts it refuses every guest, even with the right password: the price of
    // the defence against distributed guessing.
    const guest = await tryJoin(server, meetingId, undefined, { password: 'correct horse', forwardedFor: '203.0.113.9' });
    assert.ok(guest.type === 'error' && guest.code === 'rate-limited');
    // The host is never locked out by guessers.
    const host = await tryJoin(server, meetingId, hostSecret, { forwardedFor: '203.0.113.10' });
    assert.ok(host.type === 'welcome' && host.role === 'host');
  } finally {
    await server.stop();
  }
});

test('a host-key brute force is refused, then throttled with a growing back-off', async () => {
  const server = await startServer();
  try {
    const attempt = (key: string) =>
      fetch(`${server.url}/api/meetings`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: 'x' }),
      });
    const statuses: number[] = [];
    const retryAfter: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await attempt(randomBytes(32).toString('base64url'));
      statuses.push(res.status);
      if (res.status === 429) retryAfter.push(Number(res.headers.get('retry-after')));
    }
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.ok(statuses.slice(6).every((s) => s === 429), statuses.join());
    assert.ok(retryAfter.length >= 6 && retryAfter.every((s) => s >= 1));
    // The right key is refused too while the client is throttled.
    assert.equal((await attempt(server.hostKey!)).status, 429);
  } finally {
    await server.stop();
  }
});

test('after a restart the meeting, its settings, its host link and the host key still work; the key is not printed again', async () => {
  const first = await startServer();
  const { meetingId, hostSecret } = await createMeeting(first, 'Survives');
  const hostKey = first.hostKey!;
  first.mustNotLog('Hana');
  const host = await SignalingClient.connect(first.url);
  host.join({ meetingId, name: 'Hana', hostSecret });
  await host.next('welcome');
  host.send({ type: 'set-allow-unencrypted', allowed: true });
  assert.equal((await host.next('meeting-state')).state.allowUnencrypted, true);
  host.close();
  await first.stop();

  const second = await startServer({ CONFAB_DATA_DIR: first.dataDir });
  try {
    assert.equal(second.hostLink, undefined);
    assert.ok(!second.logs.join('\n').includes(hostKey));
    assert.deepEqual(await (await fetch(`${second.url}/api/meetings/${meetingId}`)).json(), { title: 'Survives', allowUnencrypted: true });
    // Still allowed after the restart: a browser without end-to-end encryption gets in.
    const welcome = await tryJoin(second, meetingId, hostSecret, { e2ee: false });
    assert.ok(welcome.type === 'welcome' && welcome.role === 'host' && welcome.title === 'Survives', JSON.stringify(welcome));
    assert.equal(welcome.state.allowUnencrypted, true);
    const res = await fetch(`${second.url}/api/meetings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hostKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Next' }),
    });
    assert.equal(res.status, 201);
  } finally {
    await second.stop();
  }
});

test('with open creation anyone may create meetings, a few per client before back-off', async () => {
  const server = await startServer({ CONFAB_OPEN_CREATION: 'true' });
  try {
    assert.deepEqual(await (await fetch(`${server.url}/api/instance`)).json(), { openCreation: true, organization: null });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${server.url}/api/meetings`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: `Open ${i}` }) });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses.slice(0, 5), [201, 201, 201, 201, 201]);
    assert.ok(statuses.slice(6).every((s) => s === 429), statuses.join());
  } finally {
    await server.stop();
  }
});

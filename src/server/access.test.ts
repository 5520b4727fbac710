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
import { createMeeting } from '../../tests/helpers/signaling-client.js';

/** One join attempt over a fresh WebSocket; returns the first reply. */
async function tryJoin(server: RunningServer, meetingId: string, hostSecret?: string): Promise<ServerMessage> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  ws.send(JSON.stringify({ type: 'join', meetingId, name: 'Mallory', ...(hostSecret ? { hostSecret } : {}) }));
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

test('after a restart the meeting, its host link and the host key still work; the key is not printed again', async () => {
  const first = await startServer();
  const { meetingId, hostSecret } = await createMeeting(first, 'Survives');
  const hostKey = first.hostKey!;
  await first.stop();

  const second = await startServer({ CONFAB_DATA_DIR: first.dataDir });
  try {
    assert.equal(second.hostLink, undefined);
    assert.ok(!second.logs.join('\n').includes(hostKey));
    assert.deepEqual(await (await fetch(`${second.url}/api/meetings/${meetingId}`)).json(), { title: 'Survives' });
    const welcome = await tryJoin(second, meetingId, hostSecret);
    assert.ok(welcome.type === 'welcome' && welcome.role === 'host' && welcome.title === 'Survives');
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
    assert.deepEqual(await (await fetch(`${server.url}/api/instance`)).json(), { openCreation: true });
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

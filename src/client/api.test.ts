/** The REST calls against a fake fetch: what is sent, and how every answer is classified. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import './zod-setup.js';
import { createMeeting, fetchInstance, fetchMeetingInfo, parseRetryAfter } from './api.js';

const KEY = 'k3yK3yk3yK3yk3yK3yk3yK3yk3yK3yk3yK3yk3yK3y';
const MEETING = 'AbCdEfGhIjKlMnOpQrStUv12';
const SECRET = 'S3cr3t-_S3cr3t-_S3cr3t-_S3cr3t-_S3cr3t-_abc';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(respond: () => Response | Promise<Response>): typeof fetch & { calls: Call[] } {
  const calls: Call[] = [];
  const f = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return respond();
  }) as unknown as typeof fetch & { calls: Call[] };
  f.calls = calls;
  return f;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

test('creating a meeting sends the title as JSON and the host key as a bearer token', async () => {
  const f = fakeFetch(() => json(201, { meetingId: MEETING, hostSecret: SECRET }));
  assert.deepEqual(await createMeeting('Weekly', KEY, f), { ok: true, meetingId: MEETING, hostSecret: SECRET });
  const [call] = f.calls;
  assert.equal(call!.url, '/api/meetings');
  assert.equal(call!.init.method, 'POST');
  assert.deepEqual(call!.init.headers, { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` });
  assert.equal(call!.init.body, JSON.stringify({ title: 'Weekly' }));

  // Without a key (open creation) there is no Authorization header at all.
  const open = fakeFetch(() => json(201, { meetingId: MEETING, hostSecret: SECRET }));
  await createMeeting('Weekly', null, open);
  assert.deepEqual(open.calls[0]!.init.headers, { 'Content-Type': 'application/json' });
});

test('create: 401, 429 with Retry-After, other statuses, bad answers, no network', async () => {
  assert.deepEqual(await createMeeting('x', KEY, fakeFetch(() => json(401, { error: 'host-key-required' }))), { ok: false, kind: 'unauthorized' });
  assert.deepEqual(await createMeeting('x', KEY, fakeFetch(() => json(429, { error: 'rate-limited' }, { 'Retry-After': '42' }))), {
    ok: false,
    kind: 'rate-limited',
    retryAfterSeconds: 42,
  });
  assert.deepEqual(await createMeeting('x', KEY, fakeFetch(() => json(429, {}))), { ok: false, kind: 'rate-limited', retryAfterSeconds: null });
  assert.deepEqual(await createMeeting('x', KEY, fakeFetch(() => json(400, { error: 'invalid-request' }))), { ok: false, kind: 'status', status: 400 });
  assert.deepEqual(await createMeeting('x', KEY, fakeFetch(() => json(500, {}))), { ok: false, kind: 'status', status: 500 });
  assert.deepEqual(await createMeeting('x', KEY, fakeFetch(() => json(403, {}))), { ok: false, kind: 'forbidden', status: 403 });
  // 200 instead of 201, an old-style answer without the host secret, not JSON at all.
  assert.deepEqual(await createMeeting('x', KEY, fakeFetch(() => json(200, { meetingId: MEETING, hostSecret: SECRET }))), { ok: false, kind: 'status', status: 200 });
  assert.deepEqual(await createMeeting('x', KEY, fakeFetch(() => json(201, { meetingId: MEETING }))), { ok: false, kind: 'response', status: 201 });
  assert.deepEqual(await createMeeting('x', KEY, fakeFetch(() => new Response('<html>', { status: 201 }))), { ok: false, kind: 'response', status: 201 });
  const offline = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
  assert.deepEqual(await createMeeting('x', KEY, offline), { ok: false, kind: 'network' });
});

test('instance info and meeting info are validated; an unknown meeting is not-found', async () => {
  assert.deepEqual(await fetchInstance(fakeFetch(() => json(200, { openCreation: true }))), { ok: true, info: { openCreation: true, organization: null } });
  assert.deepEqual(await fetchInstance(fakeFetch(() => json(200, { open: 'yes' }))), { ok: false, kind: 'response', status: 200 });
  assert.deepEqual(await fetchInstance(fakeFetch(() => json(404, {}))), { ok: false, kind: 'not-found' });

  const f = fakeFetch(() => json(200, { title: 'Class 7b', allowUnencrypted: false }));
  assert.deepEqual(await fetchMeetingInfo(MEETING, f), { ok: true, info: { title: 'Class 7b', allowUnencrypted: false } });
  assert.equal(f.calls[0]!.url, `/api/meetings/${MEETING}`);
  assert.deepEqual(await fetchMeetingInfo(MEETING, fakeFetch(() => json(404, { error: 'not-found' }))), { ok: false, kind: 'not-found' });
  assert.deepEqual(await fetchMeetingInfo(MEETING, fakeFetch(() => json(429, {}, { 'Retry-After': '7' }))), {
    ok: false,
    kind: 'rate-limited',
    retryAfterSeconds: 7,
  });
});

test('Retry-After: seconds or an HTTP date, at least 1 s; garbage is null', () => {
  assert.equal(parseRetryAfter('30'), 30);
  assert.equal(parseRetryAfter(' 5 '), 5);
  assert.equal(parseRetryAfter('0'), 1);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now), 90);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 1);
  assert.equal(parseRetryAfter(null), null);
  assert.equal(parseRetryAfter('soon'), null);
  assert.equal(parseRetryAfter('-3'), null);
});

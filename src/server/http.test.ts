/** HTTP surface of the real server process: health, REST, security headers, no path tricks. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../tests/helpers/server.js';

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

test('GET /healthz answers 200', async () => {
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('every response carries the security headers', async () => {
  for (const path of ['/healthz', '/', '/nope', '/api/meetings']) {
    const res = await fetch(`${server.url}${path}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.doesNotMatch(csp, /https?:/, `${path}: no third-party origin in the CSP`);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
    assert.match(res.headers.get('permissions-policy') ?? '', /camera=\(self\)/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
  }
});

test('POST /api/meetings needs the host key and creates a meeting with a 128-bit id and a host secret', async () => {
  const create = (headers: Record<string, string>, body: unknown = { title: 'Class 7b' }) =>
    fetch(`${server.url}/api/meetings`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  assert.equal((await create({})).status, 401);
  assert.equal((await create({ Authorization: 'Bearer not-the-key' })).status, 401);
  const auth = { Authorization: `Bearer ${server.hostKey}` };
  assert.equal((await create(auth, { title: '' })).status, 400);
  const ids = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const res = await create(auth);
    assert.equal(res.status, 201);
    const { meetingId, hostSecret } = (await res.json()) as { meetingId: string; hostSecret: string };
    assert.match(meetingId, /^[A-Za-z0-9_-]{22}$/); // 16 bytes, base64url
    assert.match(hostSecret, /^[A-Za-z0-9_-]{43}$/); // 32 bytes
    ids.add(meetingId);
    const info = await fetch(`${server.url}/api/meetings/${meetingId}`);
    assert.deepEqual(await info.json(), { title: 'Class 7b', allowUnencrypted: false });
  }
  assert.equal(ids.size, 3);
  assert.equal((await fetch(`${server.url}/api/meetings`)).status, 405);
  assert.deepEqual(await (await fetch(`${server.url}/api/instance`)).json(), { openCreation: false, organization: null });
});

test('meeting pages are served for well-formed ids only, and no path escapes the client folder', async () => {
  const page = await fetch(`${server.url}/m/${'a'.repeat(22)}`);
  assert.ok([200, 503].includes(page.status)); // 503 only when the client is not built
  assert.equal(page.headers.get('cache-control'), 'no-store');
  for (const path of ['/m/short', '/m/../../etc/passwd', '/..%2f..%2fetc/passwd', '/%2e%2e/package.json', '/.env']) {
    const res = await fetch(`${server.url}${path}`);
    assert.equal(res.status, 404, path);
  }
});

test('/privacy says what is stored and for how long, in German and English, with the configured retention', async () => {
  const res = await fetch(`${server.url}/privacy`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<section lang="de">/);
  assert.match(html, /<section lang="en">/);
  assert.match(html, /deleted 30 days after creation/);
  assert.match(html, /30 Tage nach dem Anlegen gelöscht/);
  assert.doesNotMatch(html, /<script|<style|https?:\/\//);
});

test('there are no redirects at all, so none can be open', async () => {
  for (const path of ['//evil.example/', '/\\evil.example', '/m/../../evil', '/?next=https://evil.example', '/privacy/', '/api/../']) {
    const res = await fetch(`${server.url}${path}`, { redirect: 'manual' });
    assert.ok(res.status < 300 || res.status >= 400, `${path} answered ${res.status}`);
    assert.equal(res.headers.get('location'), null, path);
  }
});

test('HSTS only when TLS is on, and only behind a trusted proxy', async () => {
  assert.equal((await fetch(`${server.url}/healthz`, { headers: { 'X-Forwarded-Proto': 'https' } })).headers.get('strict-transport-security'), null);
  const proxied = await startServer({ CONFAB_TRUST_PROXY: 'true', CONFAB_ORGANIZATION: 'Gymnasium Musterstadt' });
  try {
    const tls = await fetch(`${proxied.url}/healthz`, { headers: { 'X-Forwarded-Proto': 'https' } });
    assert.match(tls.headers.get('strict-transport-security') ?? '', /max-age=\d{8}/);
    const plain = await fetch(`${proxied.url}/healthz`);
    assert.equal(plain.headers.get('strict-transport-security'), null);
    assert.deepEqual(await (await fetch(`${proxied.url}/api/instance`)).json(), { openCreation: false, organization: 'Gymnasium Musterstadt' });
  } finally {
    await proxied.stop();
  }
});

test('metrics are served to the machine itself', async () => {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /confab_rtp_forwarded_packets_total/);
});

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

test('POST /api/meetings creates a meeting with a 128-bit id; other methods are refused', async () => {
  const ids = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${server.url}/api/meetings`, { method: 'POST' });
    assert.equal(res.status, 201);
    const { meetingId } = (await res.json()) as { meetingId: string };
    assert.match(meetingId, /^[A-Za-z0-9_-]{22}$/); // 16 bytes, base64url
    ids.add(meetingId);
  }
  assert.equal(ids.size, 5);
  assert.equal((await fetch(`${server.url}/api/meetings`)).status, 405);
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

test('metrics are served to the machine itself', async () => {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /confab_rtp_forwarded_packets_total/);
});

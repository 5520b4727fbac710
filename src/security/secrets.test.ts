import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashSecret, newSecret, secretMatches } from './secrets.js';

test('secrets are 256-bit, base64url, and unique', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const s = newSecret();
    assert.match(s, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(s, 'base64url').length, 32);
    seen.add(s);
  }
  assert.equal(seen.size, 1000);
});

test('only the right secret matches its stored hash', () => {
  const s = newSecret();
  const h = hashSecret(s);
  assert.equal(h.length, 32);
  assert.ok(!h.toString('base64url').includes(s));
  assert.equal(secretMatches(s, h), true);
  assert.equal(secretMatches(newSecret(), h), false);
  assert.equal(secretMatches('', h), false);
  assert.equal(secretMatches(s, h.subarray(0, 16)), false);
});

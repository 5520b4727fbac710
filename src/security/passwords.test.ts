import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './passwords.js';

test('a password verifies against its scrypt hash; others and tampered hashes do not', async () => {
  const stored = await hashPassword('Lehrerzimmer 42!');
  assert.match(stored, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.ok(!stored.includes('Lehrerzimmer'));
  assert.equal(await verifyPassword('Lehrerzimmer 42!', stored), true);
  assert.equal(await verifyPassword('lehrerzimmer 42!', stored), false);
  assert.equal(await verifyPassword('', stored), false);
  // Flip a character inside the hash (the last one partly encodes padding bits, so not that one).
  const at = stored.length - 10;
  const tampered = stored.slice(0, at) + (stored[at] === 'A' ? 'B' : 'A') + stored.slice(at + 1);
  assert.equal(await verifyPassword('Lehrerzimmer 42!', tampered), false);
  assert.equal(await verifyPassword('x', 'plain$text'), false);
});

test('the same password gets a different salt every time', async () => {
  const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('same', b), true);
});

test('unicode forms of the same password are equal (NFC)', async () => {
  const stored = await hashPassword('Grüße'); // precomposed ü
  assert.equal(await verifyPassword('Gru\u0308ße', stored), true); // u + combining diaeresis
});

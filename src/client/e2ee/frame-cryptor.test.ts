/** The worker's per-frame logic: what is encrypted, what is dropped, and when clear frames pass. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes } from './encoding.js';
import { readTrailer } from './frame-crypto.js';
import { FrameCryptor } from './frame-cryptor.js';

const frame = (n = 120) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

async function pair(): Promise<{ alice: FrameCryptor; bob: FrameCryptor }> {
  const key = randomBytes(32);
  const alice = new FrameCryptor();
  const bob = new FrameCryptor();
  await alice.setSenderKey(5, key);
  await bob.setReceiverKey('alice', 5, key);
  bob.setOwners([['m1', 'alice']]);
  return { alice, bob };
}

test('frames go out encrypted with the clear header per kind, and come back whole', async () => {
  const { alice, bob } = await pair();
  for (const [kind, keyFrame, clear] of [['video', true, 10], ['video', false, 3], ['audio', false, 1]] as const) {
    const sealed = (await alice.encrypt(kind, keyFrame, frame()))!;
    const { keyId, clearBytes } = readTrailer(sealed)!;
    assert.deepEqual({ keyId, clearBytes }, { keyId: 5, clearBytes: clear });
    assert.deepEqual(sealed.subarray(0, clear), frame().subarray(0, clear));
    assert.deepEqual(await bob.decrypt('m1', sealed), frame());
  }
  const counters = [];
  for (let i = 0; i < 3; i++) counters.push(readTrailer((await alice.encrypt('audio', false, frame()))!)!.counter);
  assert.deepEqual(counters, [3, 4, 5], 'one counter per key, never repeated');
  assert.equal(bob.snapshot().decrypted, 3);
});

test('without a key nothing is sent or passed on; a frame on an unknown mid is dropped', async () => {
  const lonely = new FrameCryptor();
  assert.equal(await lonely.encrypt('video', true, frame()), null);
  const { alice, bob } = await pair();
  const sealed = (await alice.encrypt('video', false, frame()))!;
  assert.equal(await bob.decrypt('m2', sealed), null);
  bob.forget('alice');
  assert.equal(await bob.decrypt('m1', sealed), null);
  assert.equal(bob.snapshot().noKey, 2);
});

test('clear frames pass only while the meeting is knowingly unencrypted; failed ciphertext never does', async () => {
  const { alice, bob } = await pair();
  assert.equal(await bob.decrypt('m1', frame()), null, 'a clear frame is dropped while encrypting');
  alice.encrypting = false;
  bob.encrypting = false;
  const clear = (await alice.encrypt('video', false, frame()))!;
  assert.deepEqual(clear, frame(), 'sent as is');
  assert.deepEqual(await bob.decrypt('m1', clear), frame(), 'accepted as is');
  alice.encrypting = true;
  const sealed = (await alice.encrypt('video', false, frame()))!;
  sealed[20]! ^= 1;
  assert.equal(await bob.decrypt('m1', sealed), null, 'tampered ciphertext is not handed to the decoder');
});

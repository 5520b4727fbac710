/**
 * Fixed vectors for the key schedule, the frame format and the pairwise wrapping. The expected
 * values were computed once with an independent implementation (node:crypto's hkdfSync, AES-GCM
 * cipher and HMAC), and the X25519 keys are RFC 7748's section 6.1 test keys.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { open, seal } from './aead.js';
import { fields, fromBase64Url, toBase64Url, toHex, type Bytes } from './encoding.js';
import { decryptFrame, encryptFrame, readTrailer } from './frame-crypto.js';
import { deriveFrameKey, deriveMeetingKeys, hkdf, ratchetKey } from './key-schedule.js';
import { pairKey, signHello, unwrapSenderKey, verifyHello } from './pairwise.js';
import { safetyCode } from './safety-code.js';

const hex = (h: string): Bytes => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const range = (n: number, from = 0): Bytes => Uint8Array.from({ length: n }, (_, i) => i + from);

const MEETING = 'AAAAAAAAAAAAAAAAAAAAAA';
const SECRET = range(32);
const SENDER_KEY = range(32, 32);
const ALICE_PRIVATE = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
const ALICE_PUBLIC = hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
const BOB_PRIVATE = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
const BOB_PUBLIC = hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');

function x25519Private(d: Bytes, x: Bytes): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'X25519', d: toBase64Url(d), x: toBase64Url(x) }, { name: 'X25519' }, false, ['deriveBits']);
}

test('key schedule: meeting secret -> wrap salt and auth key (hello MAC)', async () => {
  const keys = await deriveMeetingKeys(SECRET, MEETING);
  assert.equal(toHex(keys.wrapSalt), 'b718fbec5e4830b75905d6542f00ac018059f0749d02f35bbe8b2732e5054c00');
  const mac = await signHello(keys, MEETING, 'alice', ALICE_PUBLIC);
  assert.equal(toHex(mac), '27898f0ab72eed9f2e0f9c3d1cfedb5fad07821dda1ed5808747994becd889c9');
  assert.equal(await verifyHello(keys, MEETING, 'alice', ALICE_PUBLIC, mac), true);
  // The MAC binds the participant id, the key and the meeting.
  assert.equal(await verifyHello(keys, MEETING, 'mallory', ALICE_PUBLIC, mac), false);
  assert.equal(await verifyHello(keys, MEETING, 'alice', BOB_PUBLIC, mac), false);
  const otherMeeting = await deriveMeetingKeys(SECRET, 'BBBBBBBBBBBBBBBBBBBBBB');
  assert.equal(await verifyHello(otherMeeting, 'BBBBBBBBBBBBBBBBBBBBBB', 'alice', ALICE_PUBLIC, mac), false);
  const wrongSecret = await deriveMeetingKeys(range(32, 1), MEETING);
  assert.equal(await verifyHello(wrongSecret, MEETING, 'alice', ALICE_PUBLIC, mac), false);
});

test('key schedule: sender key -> frame salt, data key, ratchet', async () => {
  const none = new Uint8Array(0);
  assert.equal(toHex(await hkdf(SENDER_KEY, none, 'frame', 32)), '95b883aa71e5136a45bb93bec1913466efe5ad37ced05762d02a68fa52e6e988');
  assert.equal(toHex((await deriveFrameKey(SENDER_KEY)).salt), '752c7289586e9eb5c62dca71');
  assert.equal(toHex(await hkdf(SENDER_KEY, none, 'data', 32)), '4d6e0057e369c48c02a6cb276913fd94b9ef80eaf1422740cec0c70cf53ac393');
  assert.equal(toHex(await ratchetKey(SENDER_KEY)), 'e54dbed3e549fd81b48ac86966cd6af1d925ed1eaf3fa6dd1ae8d3bccb542321');
});

test('frame format: a VP8 delta frame (3 clear bytes), counter 7, key id 3', async () => {
  const frame = hex('01080f161d242b323940474e555c636a71787f86');
  const encrypted = '01080f1b81a517aa445480ffecd224b14832e3942ca513e65bfc7437c6ccfe2f1be21740000000070000000303ce';
  const fk = await deriveFrameKey(SENDER_KEY);
  assert.equal(toHex(await encryptFrame(fk, 3, 7, frame, 3)), encrypted);
  const trailer = readTrailer(hex(encrypted));
  assert.deepEqual(trailer, { counter: 7, keyId: 3, clearBytes: 3 });
  assert.equal(toHex((await decryptFrame(fk, hex(encrypted), trailer!))!), toHex(frame));
});

test('frame format: the clear header and trailer are authenticated, and other keys fail', async () => {
  const fk = await deriveFrameKey(SENDER_KEY);
  const frame = range(200);
  const sealed = await encryptFrame(fk, 1, 0, frame, 10);
  assert.deepEqual(sealed.subarray(0, 10), frame.subarray(0, 10), 'the VP8 keyframe header stays readable');
  assert.notDeepEqual(sealed.subarray(10, 200), frame.subarray(10, 200));
  const trailer = readTrailer(sealed)!;
  for (const at of [0, 9, 50, sealed.length - 5, sealed.length - 2]) {
    const tampered = sealed.slice();
    tampered[at]! ^= 1;
    const t = readTrailer(tampered);
    assert.equal(t && (await decryptFrame(fk, tampered, t)), null, `a flipped bit at ${at} is caught`);
  }
  assert.equal(await decryptFrame(await deriveFrameKey(range(32, 7)), sealed, trailer), null);
  // A frame shorter than its clear header is sealed whole-header, nothing lost.
  const tiny = await encryptFrame(fk, 1, 1, range(2), 10);
  assert.deepEqual(await decryptFrame(fk, tiny, readTrailer(tiny)!), range(2));
  assert.equal(readTrailer(range(40)), null, 'no magic, no trailer');
});

test('pairwise wrapping: X25519 (RFC 7748 keys) + HKDF with the wrap salt, AES-GCM', async () => {
  const keys = await deriveMeetingKeys(SECRET, MEETING);
  const vector = { iv: new Uint8Array(12).fill(9), sealed: hex('0b7980f20feca6dcca703f1d49c164490ad3cb5e157449db66d0d65006699073854dbaff1370ea72b74b204d8c151f7e') };
  const alice = await x25519Private(ALICE_PRIVATE, ALICE_PUBLIC);
  const bob = await x25519Private(BOB_PRIVATE, BOB_PUBLIC);
  // Alice wraps for Bob; Bob derives the same directional key from his side.
  const aliceToBob = await pairKey(alice, BOB_PUBLIC, keys, 'alice', 'bob');
  const sealed = await seal(aliceToBob, SENDER_KEY, ['confab e2ee v1 key', MEETING, 'alice', 'bob', '3'], vector.iv);
  assert.equal(toHex(sealed.sealed), toHex(vector.sealed));
  const bobFromAlice = await pairKey(bob, ALICE_PUBLIC, keys, 'alice', 'bob');
  assert.deepEqual(await unwrapSenderKey(bobFromAlice, vector, MEETING, 'alice', 'bob', 3), SENDER_KEY);
  // Bound to the key id, the direction and the meeting secret.
  assert.equal(await unwrapSenderKey(bobFromAlice, vector, MEETING, 'alice', 'bob', 4), null);
  assert.equal(await unwrapSenderKey(await pairKey(bob, ALICE_PUBLIC, keys, 'bob', 'alice'), vector, MEETING, 'alice', 'bob', 3), null);
  const wrongSecret = await deriveMeetingKeys(range(32, 1), MEETING);
  assert.equal(await unwrapSenderKey(await pairKey(bob, ALICE_PUBLIC, wrongSecret, 'alice', 'bob'), vector, MEETING, 'alice', 'bob', 3), null);
  // A low-order public key (all zeros) is refused rather than giving a predictable key.
  await assert.rejects(pairKey(alice, new Uint8Array(32), keys, 'alice', 'bob'));
});

test('safety code: 4 groups of 4 digits from the public key and meeting', async () => {
  assert.equal(await safetyCode(MEETING, ALICE_PUBLIC), '2403 0701 7937 5364');
  assert.notEqual(await safetyCode(MEETING, BOB_PUBLIC), '2403 0701 7937 5364');
});

test('aead and encoding helpers: context is length-prefixed, base64url round-trips', async () => {
  assert.notDeepEqual(fields('ab', 'c'), fields('a', 'bc'));
  const key = await crypto.subtle.importKey('raw', range(32), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const box = await seal(key, range(5), ['x', 'y']);
  assert.deepEqual(await open(key, box, ['x', 'y']), range(5));
  assert.equal(await open(key, box, ['xy']), null);
  assert.deepEqual(fromBase64Url(toBase64Url(range(256))), range(256));
  assert.throws(() => fromBase64Url('a+b'));
});

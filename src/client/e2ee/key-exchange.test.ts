/**
 * The key exchange between simulated participants, each with its own FrameCryptor (the worker's
 * logic), over a relay that behaves like the server's: in order, `from` set by the relay.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatPayload } from '../../protocol/e2ee.js';
import { randomBytes, type Bytes } from './encoding.js';
import { FrameCryptor } from './frame-cryptor.js';
import { KeyExchange } from './key-exchange.js';

const MEETING = 'CCCCCCCCCCCCCCCCCCCCCC';
const SECRET = randomBytes(32);

/** Delivers relays in order, like the server: to one participant or to everyone else. */
class FakeServer {
  readonly members = new Map<string, Member>();
  /** Lets a test play a malicious server. */
  tamper: (from: string, data: string) => string = (_from, data) => data;
  private delivery = Promise.resolve();

  relay(from: string, to: string | undefined, data: string): void {
    const out = this.tamper(from, data);
    this.delivery = this.delivery.then(() => {
      for (const [id, m] of this.members) if (id !== from && (to === undefined || to === id)) m.exchange.receive(from, out);
    });
  }
}

interface Member {
  id: string;
  exchange: KeyExchange;
  frames: FrameCryptor;
  chat: ChatPayload[];
}

async function join(server: FakeServer, id: string, secret: Bytes = SECRET): Promise<Member> {
  const frames = new FrameCryptor();
  const exchange = await KeyExchange.create({
    meetingId: MEETING,
    secret,
    relay: (to, data) => server.relay(id, to, data),
    frames: {
      setSenderKey: (keyId, key) => void frames.setSenderKey(keyId, key),
      setReceiverKey: (p, keyId, key) => void frames.setReceiverKey(p, keyId, key),
      forget: (p) => frames.forget(p),
    },
    rotationSwitchMs: 20,
  });
  const member: Member = { id, exchange, frames, chat: [] };
  exchange.events.on('payload', ({ payload }) => payload.kind === 'chat' && member.chat.push(payload));
  const others = [...server.members.keys()];
  server.members.set(id, member);
  // Every receiving "mid" is named after the participant it carries.
  for (const m of server.members.values()) m.frames.setOwners([...server.members.keys()].map((p) => [p, p]));
  for (const m of server.members.values()) if (m.id !== id) m.exchange.joined(id);
  exchange.start(id, others);
  return member;
}

function leave(server: FakeServer, member: Member): void {
  server.members.delete(member.id);
  member.exchange.stop();
  for (const m of server.members.values()) m.exchange.left(member.id);
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const frame = () => Uint8Array.from({ length: 300 }, (_, i) => (i * 13) & 0xff);

/** `to` can decrypt a frame `from` encrypts now. */
async function decrypts(from: Member, to: Member): Promise<boolean> {
  const sealed = await from.frames.encrypt('video', false, frame());
  assert.ok(sealed, `${from.id} has a sender key`);
  return (await to.frames.decrypt(from.id, sealed)) !== null;
}

async function allSecure(members: Member[]): Promise<void> {
  await until('everyone has everyone\'s key', async () => {
    for (const a of members) for (const b of members) if (a !== b && !(await decrypts(a, b))) return false;
    return true;
  });
}

test('three participants exchange keys, decrypt each other\'s frames and read each other\'s chat', async () => {
  const server = new FakeServer();
  const a = await join(server, 'a');
  const b = await join(server, 'b');
  const c = await join(server, 'c');
  await allSecure([a, b, c]);
  for (const [x, y] of [[a, b], [b, c], [c, a]] as const) {
    assert.equal(x.exchange.peer(y.id)?.status, 'secure');
    assert.equal(x.exchange.peer(y.id)?.safetyCode, y.exchange.safetyCode, 'the code I see for you is the one you show');
  }
  assert.equal(await a.exchange.send({ kind: 'chat', name: 'Ada', text: 'hallo', sentAt: 1 }), true);
  await until('chat arrives', () => b.chat.length === 1 && c.chat.length === 1);
  assert.equal(b.chat[0]?.text, 'hallo');
  assert.equal(c.chat[0]?.name, 'Ada');
});

test('a join ratchets every sender forward: the newcomer cannot decrypt frames from before it came', async () => {
  const server = new FakeServer();
  const a = await join(server, 'a');
  const b = await join(server, 'b');
  await allSecure([a, b]);
  const before = await a.frames.encrypt('video', false, frame());
  const keyBefore = a.exchange.keyId;
  const c = await join(server, 'c');
  await allSecure([a, b, c]);
  assert.ok(a.exchange.keyId! > keyBefore!, 'a moved to a new key id');
  assert.equal(await c.frames.decrypt('a', before!), null, 'c cannot read what a sent before c came');
  // b already had a's old key and derived the ratcheted one itself.
  assert.ok(await decrypts(a, b));
});

test('a leave rotates every key: key ids change and the leaver\'s old keys do not decrypt new frames or chat', async () => {
  const server = new FakeServer();
  const a = await join(server, 'a');
  const b = await join(server, 'b');
  const c = await join(server, 'c');
  await allSecure([a, b, c]);
  const ids = { a: a.exchange.keyId!, b: b.exchange.keyId! };
  const cKnew = { a: c.exchange.peer('a')!.keyId, b: c.exchange.peer('b')!.keyId };
  leave(server, c);
  await until('a and b switch to new keys', () => a.exchange.keyId! > ids.a && b.exchange.keyId! > ids.b);
  await allSecure([a, b]);
  for (const sender of [a, b]) {
    const sealed = await sender.frames.encrypt('video', false, frame());
    assert.equal(await c.frames.decrypt(sender.id, sealed!), null, `c cannot decrypt ${sender.id}'s new frames`);
  }
  assert.deepEqual({ a: c.exchange.peer('a')!.keyId, b: c.exchange.peer('b')!.keyId }, cKnew, 'c received no new key');
  // Chat after the rotation: relayed to c too by a (say, malicious) server, still unreadable.
  server.members.set('c', c);
  await a.exchange.send({ kind: 'chat', name: 'Ada', text: 'after', sentAt: 2 });
  await until('b reads it', () => b.chat.some((m) => m.text === 'after'));
  assert.ok(!c.chat.some((m) => m.text === 'after'));
});

test('a participant with a wrong meeting secret gets no keys, decrypts no frame and reads no chat', async () => {
  const server = new FakeServer();
  const a = await join(server, 'a');
  const b = await join(server, 'b');
  const mallory = await join(server, 'm', randomBytes(32));
  await allSecure([a, b]);
  await until('both reject mallory', () => a.exchange.peer('m')?.status === 'failed' && b.exchange.peer('m')?.status === 'failed');
  assert.equal(mallory.exchange.peer('a')?.status, 'failed');
  assert.equal(await decrypts(a, mallory), false);
  await a.exchange.send({ kind: 'chat', name: 'Ada', text: 'secret', sentAt: 3 });
  await until('b reads it', () => b.chat.length === 1);
  assert.equal(mallory.chat.length, 0);
  assert.equal(mallory.frames.snapshot().decrypted, 0);
});

test('a server that swaps in its own public key is caught by the MAC', async () => {
  const server = new FakeServer();
  const a = await join(server, 'a');
  server.tamper = (from, data) => {
    const m = JSON.parse(data) as { t: string; pub?: string };
    if (from === 'b' && m.t === 'hello') m.pub = 'A'.repeat(43);
    return JSON.stringify(m);
  };
  const b = await join(server, 'b');
  await until('a rejects the swapped key', () => a.exchange.peer('b')?.status === 'failed');
  assert.equal(await decrypts(b, a), false);
});

test('a hello from someone the server never listed as a participant gets no keys', async () => {
  const server = new FakeServer();
  const a = await join(server, 'a');
  // A "ghost" with the right secret, relayed by the server without a participant-joined.
  const ghostFrames = new FrameCryptor();
  const ghost = await KeyExchange.create({
    meetingId: MEETING,
    secret: SECRET,
    relay: (to, data) => server.relay('ghost', to, data),
    frames: { setSenderKey() {}, setReceiverKey: (p, keyId, key) => void ghostFrames.setReceiverKey(p, keyId, key), forget() {} },
  });
  server.members.set('ghost', { id: 'ghost', exchange: ghost, frames: ghostFrames, chat: [] });
  ghostFrames.setOwners([['a', 'a']]);
  ghost.start('ghost', ['a']);
  const b = await join(server, 'b');
  await allSecure([a, b]);
  assert.equal(a.exchange.peer('ghost'), undefined);
  const sealed = await a.frames.encrypt('video', false, frame());
  assert.equal(await ghostFrames.decrypt('a', sealed!), null, 'the ghost got no key from a');
});

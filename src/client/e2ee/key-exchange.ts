/**
 * The E2EE key exchange, run in the main thread over the signaling `relay` channel.
 *
 * - On every (re)join we make a fresh sender key and broadcast a `hello` (public key + MAC) asking
 *   the others for theirs. A valid hello makes that peer `secure`: we derive the pairwise keys and
 *   send it our newest sender key. A hello that fails the MAC (wrong or no meeting secret, or a
 *   server substituting keys) makes it `failed`, and it gets nothing.
 * - Someone new (a hello with `reply`): we ratchet our key forward and use it at once, so the
 *   newcomer can't decrypt what was sent before it came; the others derive the same key themselves.
 * - Someone left (or was removed): we make a fresh random key, send it to everyone still there, and
 *   switch to it a moment later, when they have had time to receive it. The leaver gets nothing.
 * - Payloads (chat…) are sealed with a key derived from the sender key in use.
 *
 * Everything inbound is handled strictly in arrival order, one at a time.
 */
import { E2eeEnvelope, E2eePayload, type DataEnvelope, type HelloEnvelope, type KeysEnvelope } from '../../protocol/e2ee.js';
import type { z } from 'zod';
import { Emitter } from '../emitter.js';
import { open, seal } from './aead.js';
import { fromBase64Url, randomBytes, toBase64Url, utf8, type Bytes } from './encoding.js';
import { deriveDataKey, deriveMeetingKeys, ratchetKey, type MeetingKeys } from './key-schedule.js';
import { generateIdentity, pairKey, signHello, unwrapSenderKey, verifyHello, wrapSenderKey, type Identity } from './pairwise.js';
import { safetyCode } from './safety-code.js';
import { SenderKeys } from './sender-keys.js';

/** How long a rotated key is announced before it is used: time for the others to receive it. */
export const ROTATION_SWITCH_MS = 1000;

/** Where frame keys go: the encoded-transform worker. */
export interface FrameKeySink {
  setSenderKey(keyId: number, key: Bytes): void;
  setReceiverKey(participantId: string, keyId: number, key: Bytes): void;
  forget(participantId: string): void;
}

/** Sends `data` to one participant, or (`to` undefined) to everyone else in the meeting. */
export type Relay = (to: string | undefined, data: string) => void;

export type PeerStatus = 'pending' | 'secure' | 'failed';

export interface PeerView {
  status: PeerStatus;
  /** Their safety code as our browser received their key. */
  safetyCode: string | null;
  /** The newest of their sender key ids we hold. */
  keyId: number | null;
}

interface Peer {
  status: PeerStatus;
  publicKey: Bytes | null;
  code: string | null;
  toThem: CryptoKey | null;
  fromThem: CryptoKey | null;
  dataKeys: SenderKeys<CryptoKey>;
}

interface SenderKey {
  keyId: number;
  raw: Bytes;
}

export interface KeyExchangeEvents extends Record<string, unknown> {
  /** Peer statuses, safety codes or key ids changed. */
  peers: void;
  payload: { from: string; payload: E2eePayload };
}

export interface KeyExchangeOptions {
  meetingId: string;
  /** The meeting secret from the link's fragment. */
  secret: Bytes;
  relay: Relay;
  frames: FrameKeySink;
  rotationSwitchMs?: number;
}

export class KeyExchange {
  readonly events = new Emitter<KeyExchangeEvents>();
  private readonly peers = new Map<string, Peer>();
  private selfId: string | null = null;
  private nextKeyId = 0;
  /** The newest key we made (announced), and the one our frames and payloads use now. */
  private newest: SenderKey | null = null;
  private current: { key: SenderKey; dataKey: CryptoKey } | null = null;
  private switchTimer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly opts: KeyExchangeOptions,
    private readonly keys: MeetingKeys,
    private readonly identity: Identity,
    /** Our own safety code, to read out to the others. */
    readonly safetyCode: string,
  ) {}

  static async create(opts: KeyExchangeOptions): Promise<KeyExchange> {
    const identity = await generateIdentity();
    const keys = await deriveMeetingKeys(opts.secret, opts.meetingId);
    return new KeyExchange(opts, keys, identity, await safetyCode(opts.meetingId, identity.publicKey));
  }

  /** The key id our frames use now (null before the first join). */
  get keyId(): number | null {
    return this.current?.key.keyId ?? null;
  }

  peer(id: string): PeerView | undefined {
    const p = this.peers.get(id);
    if (!p) return undefined;
    const newest = p.dataKeys.newest;
    return { status: p.status, safetyCode: p.code, keyId: newest < 0 ? null : newest };
  }

  /** We (re)joined as `selfId` with these others present: start over with a fresh key. */
  start(selfId: string, others: readonly string[]): void {
    this.enqueue(async () => {
      for (const id of this.peers.keys()) this.opts.frames.forget(id);
      this.peers.clear();
      this.selfId = selfId;
      for (const id of others) this.peers.set(id, newPeer());
      this.newKey(randomBytes(32));
      await this.useAsync();
      await this.sendHello(undefined, true);
      this.events.emit('peers', undefined);
    });
  }

  joined(id: string): void {
    this.enqueue(async () => {
      if (!this.peers.has(id)) this.peers.set(id, newPeer());
      this.events.emit('peers', undefined);
    });
  }

  left(id: string): void {
    this.enqueue(async () => {
      if (!this.peers.delete(id)) return;
      this.opts.frames.forget(id);
      this.events.emit('peers', undefined);
      if (!this.current) return;
      this.newKey(randomBytes(32));
      await this.sendKey([...this.securePeers()]);
      this.scheduleSwitch(this.securePeers().next().done ? 0 : (this.opts.rotationSwitchMs ?? ROTATION_SWITCH_MS));
    });
  }

  /** A `relay` from `from`: parse, authenticate, act. Anything invalid is dropped. */
  receive(from: string, data: string): void {
    this.enqueue(async () => {
      let envelope: E2eeEnvelope;
      try {
        const parsed = E2eeEnvelope.safeParse(JSON.parse(data));
        if (!parsed.success) return;
        envelope = parsed.data;
      } catch {
        return;
      }
      if (envelope.t === 'hello') await this.onHello(from, envelope);
      else if (envelope.t === 'keys') await this.onKeys(from, envelope);
      else await this.onData(from, envelope);
    });
  }

  /** Seal a payload for everyone who has our key. False when there is no key yet. */
  async send(payload: E2eePayload): Promise<boolean> {
    const current = this.current;
    const selfId = this.selfId;
    if (!current || !selfId) return false;
    const box = await seal(current.dataKey, utf8(JSON.stringify(payload)), dataContext(this.opts.meetingId, selfId, current.key.keyId));
    const envelope: z.infer<typeof DataEnvelope> = { t: 'data', v: 1, kid: current.key.keyId, iv: toBase64Url(box.iv), ct: toBase64Url(box.sealed) };
    this.opts.relay(undefined, JSON.stringify(envelope));
    return true;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.switchTimer);
  }

  // ---------------------------------------------------------------- inbound

  private async onHello(from: string, hello: z.infer<typeof HelloEnvelope>): Promise<void> {
    const selfId = this.selfId;
    if (!selfId || from === selfId) return;
    // Only someone the server has shown us as a participant gets keys: a server can't hand keys
    // to a "ghost" that no one sees in the meeting.
    const peer = this.peers.get(from);
    if (!peer) return;
    const publicKey = fromBase64Url(hello.pub);
    if (peer.publicKey && sameBytes(peer.publicKey, publicKey)) return; // a duplicate
    const valid = await verifyHello(this.keys, this.opts.meetingId, from, publicKey, fromBase64Url(hello.mac));
    if (!valid) {
      peer.status = 'failed';
      // Answer anyway, so that someone with a wrong link learns it instead of waiting.
      if (hello.reply) await this.sendHello(from, false);
      this.events.emit('peers', undefined);
      return;
    }
    try {
      peer.toThem = await pairKey(this.identity.privateKey, publicKey, this.keys, selfId, from);
      peer.fromThem = await pairKey(this.identity.privateKey, publicKey, this.keys, from, selfId);
    } catch {
      peer.status = 'failed';
      this.events.emit('peers', undefined);
      return;
    }
    peer.publicKey = publicKey;
    peer.code = await safetyCode(this.opts.meetingId, publicKey);
    peer.status = 'secure';
    if (hello.reply) {
      // A newcomer: it must not be able to read what we sent before it came.
      await this.ratchet();
      await this.sendHello(from, false);
    }
    await this.sendKey([from]);
    this.events.emit('peers', undefined);
  }

  private async onKeys(from: string, keys: z.infer<typeof KeysEnvelope>): Promise<void> {
    const peer = this.peers.get(from);
    const wrap = this.selfId ? keys.wraps[this.selfId] : undefined;
    if (!peer?.fromThem || !wrap || !this.selfId) return;
    const raw = await unwrapSenderKey(peer.fromThem, decodeBox(wrap), this.opts.meetingId, from, this.selfId, keys.kid);
    if (!raw || raw.length !== 32) return;
    await peer.dataKeys.set(keys.kid, raw);
    this.opts.frames.setReceiverKey(from, keys.kid, raw);
    this.events.emit('peers', undefined);
  }

  private async onData(from: string, data: z.infer<typeof DataEnvelope>): Promise<void> {
    const peer = this.peers.get(from);
    if (!peer || peer.status !== 'secure') return;
    const box = decodeBox(data);
    const context = dataContext(this.opts.meetingId, from, data.kid);
    let plain: Bytes | null = null;
    const key = peer.dataKeys.get(data.kid);
    if (key) plain = await open(key, box, context);
    else {
      const guess = await peer.dataKeys.ratchetGuess(data.kid);
      if (guess) {
        plain = await open(guess.material, box, context);
        if (plain) peer.dataKeys.accept(data.kid, guess);
        else peer.dataKeys.reject(data.kid);
      }
    }
    if (!plain) return;
    try {
      const parsed = E2eePayload.safeParse(JSON.parse(new TextDecoder().decode(plain)));
      if (parsed.success) this.events.emit('payload', { from, payload: parsed.data });
    } catch {
      /* not JSON: dropped */
    }
  }

  // ---------------------------------------------------------------- our key

  private newKey(raw: Bytes): void {
    this.newest = { keyId: this.nextKeyId++, raw };
  }

  private async ratchet(): Promise<void> {
    if (!this.newest) return;
    this.newKey(await ratchetKey(this.newest.raw));
    // With a rotation still being announced, that switch will pick up the newest key.
    if (this.switchTimer === undefined) await this.useAsync();
  }

  private scheduleSwitch(delayMs: number): void {
    clearTimeout(this.switchTimer);
    if (delayMs === 0) {
      this.switchTimer = undefined;
      this.use();
      return;
    }
    this.switchTimer = setTimeout(() => {
      this.switchTimer = undefined;
      if (!this.stopped) this.use();
    }, delayMs);
  }

  private use(): void {
    this.enqueue(() => this.useAsync());
  }

  private async useAsync(): Promise<void> {
    const key = this.newest;
    if (!key || this.current?.key === key) return;
    this.current = { key, dataKey: await deriveDataKey(key.raw) };
    this.opts.frames.setSenderKey(key.keyId, key.raw);
    this.events.emit('peers', undefined);
  }

  private async sendHello(to: string | undefined, reply: boolean): Promise<void> {
    if (!this.selfId) return;
    const mac = await signHello(this.keys, this.opts.meetingId, this.selfId, this.identity.publicKey);
    const hello: z.infer<typeof HelloEnvelope> = { t: 'hello', v: 1, pub: toBase64Url(this.identity.publicKey), mac: toBase64Url(mac), reply };
    this.opts.relay(to, JSON.stringify(hello));
  }

  /** Our newest key, wrapped for each of `to`: one message to one peer, or one broadcast. */
  private async sendKey(to: string[]): Promise<void> {
    const key = this.newest;
    const selfId = this.selfId;
    if (!key || !selfId || to.length === 0) return;
    const wraps: z.infer<typeof KeysEnvelope>['wraps'] = {};
    for (const id of to) {
      const pair = this.peers.get(id)?.toThem;
      if (!pair) continue;
      const box = await wrapSenderKey(pair, key.raw, this.opts.meetingId, selfId, id, key.keyId);
      wraps[id] = { iv: toBase64Url(box.iv), ct: toBase64Url(box.sealed) };
    }
    const envelope: z.infer<typeof KeysEnvelope> = { t: 'keys', v: 1, kid: key.keyId, wraps };
    this.opts.relay(to.length === 1 ? to[0] : undefined, JSON.stringify(envelope));
  }

  private *securePeers(): Generator<string> {
    for (const [id, p] of this.peers) if (p.status === 'secure') yield id;
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(() => (this.stopped ? undefined : step())).catch((err: unknown) => console.warn('confab: e2ee', err));
  }
}

function newPeer(): Peer {
  return { status: 'pending', publicKey: null, code: null, toThem: null, fromThem: null, dataKeys: new SenderKeys(deriveDataKey) };
}

function dataContext(meetingId: string, from: string, keyId: number): string[] {
  return ['confab e2ee v1 data', meetingId, from, String(keyId)];
}

function decodeBox(box: { iv: string; ct: string }) {
  return { iv: fromBase64Url(box.iv), sealed: fromBase64Url(box.ct) };
}

function sameBytes(a: Bytes, b: Bytes): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * What the encoded-transform worker does with each frame, without the worker plumbing (so it can be
 * unit-tested): encrypt ours under the current sender key, decrypt others' under theirs.
 * A frame we can't decrypt is dropped, never passed on: the decoder then sees nothing at all
 * rather than ciphertext (and a wrong-key participant decodes zero frames).
 */
import { toHex, type Bytes } from './encoding.js';
import { clearHeaderBytes, decryptFrame, encryptFrame, MAX_COUNTER, readTrailer } from './frame-crypto.js';
import { deriveFrameKey, type FrameKey } from './key-schedule.js';
import { SenderKeys } from './sender-keys.js';
import type { FrameSample, FrameStats } from './worker-protocol.js';

const MAX_SAMPLES = 400;

export class FrameCryptor {
  encrypting = true;
  private sender: { keyId: number; key: FrameKey; counter: number } | null = null;
  private readonly receivers = new Map<string, SenderKeys<FrameKey>>();
  private owners = new Map<string, string>();
  private samplesWanted = 0;
  private readonly stats: Omit<FrameStats, 'senderKeyId' | 'receiverKeyIds'> = {
    encrypted: 0,
    decrypted: 0,
    clear: 0,
    noKey: 0,
    failed: 0,
    encryptMillis: 0,
    decryptMillis: 0,
    samples: [],
  };

  /** Key changes apply in the order they were made, although deriving a key takes a while. */
  private keyChanges: Promise<void> = Promise.resolve();

  setSenderKey(keyId: number, raw: Bytes): Promise<void> {
    return this.inOrder(async () => {
      this.sender = { keyId, key: await deriveFrameKey(raw), counter: 0 };
    });
  }

  setReceiverKey(participantId: string, keyId: number, raw: Bytes): Promise<void> {
    return this.inOrder(async () => {
      let keys = this.receivers.get(participantId);
      if (!keys) this.receivers.set(participantId, (keys = new SenderKeys(deriveFrameKey)));
      await keys.set(keyId, raw);
    });
  }

  forget(participantId: string): void {
    this.receivers.delete(participantId);
  }

  setOwners(owners: Iterable<[string, string]>): void {
    this.owners = new Map(owners);
  }

  sample(frames: number): void {
    this.samplesWanted = frames;
  }

  /** Our outgoing frame, encrypted; null to drop it (no key yet). */
  async encrypt(kind: 'audio' | 'video', keyFrame: boolean, frame: Bytes): Promise<Bytes | null> {
    const clearBytes = clearHeaderBytes(kind, keyFrame);
    if (this.samplesWanted > 0 && this.stats.samples.length < MAX_SAMPLES) {
      this.samplesWanted--;
      this.stats.samples.push(sampleOf(kind, clearBytes, frame));
    }
    if (!this.encrypting) {
      this.stats.clear++;
      return frame;
    }
    const sender = this.sender;
    if (!sender || sender.counter > MAX_COUNTER) {
      this.stats.noKey++;
      return null;
    }
    const counter = sender.counter++;
    const started = performance.now();
    const sealed = await encryptFrame(sender.key, sender.keyId, counter, frame, clearBytes);
    this.stats.encryptMillis += performance.now() - started;
    this.stats.encrypted++;
    return sealed;
  }

  /**
   * A frame received on `mid`, decrypted; null to drop it. Unencrypted frames are accepted only
   * while the meeting is knowingly unencrypted; a frame that carries our trailer but doesn't
   * authenticate is dropped even then (rather than feeding ciphertext to the decoder), at the cost
   * of the rare clear frame whose last bytes happen to look like a trailer (about 1 in 6000).
   */
  async decrypt(mid: string, frame: Bytes): Promise<Bytes | null> {
    const trailer = readTrailer(frame);
    if (!trailer) {
      if (this.encrypting) {
        this.stats.failed++;
        return null;
      }
      this.stats.clear++;
      return frame;
    }
    const started = performance.now();
    const plain = await this.open(mid, frame, trailer);
    if (plain) {
      this.stats.decryptMillis += performance.now() - started;
      this.stats.decrypted++;
    }
    return plain;
  }

  snapshot(): FrameStats {
    const receiverKeyIds: Record<string, number> = {};
    for (const [id, keys] of this.receivers) if (keys.newest >= 0) receiverKeyIds[id] = keys.newest;
    return { ...this.stats, samples: [...this.stats.samples], senderKeyId: this.sender?.keyId ?? null, receiverKeyIds };
  }

  private inOrder(change: () => Promise<void>): Promise<void> {
    this.keyChanges = this.keyChanges.then(change);
    return this.keyChanges;
  }

  private async open(mid: string, frame: Bytes, trailer: NonNullable<ReturnType<typeof readTrailer>>): Promise<Bytes | null> {
    const owner = this.owners.get(mid);
    const keys = owner === undefined ? undefined : this.receivers.get(owner);
    if (!keys) {
      this.stats.noKey++;
      return null;
    }
    const key = keys.get(trailer.keyId);
    if (key) {
      const plain = await decryptFrame(key, frame, trailer);
      if (!plain) this.stats.failed++;
      return plain;
    }
    const guess = await keys.ratchetGuess(trailer.keyId);
    if (!guess) {
      this.stats.noKey++;
      return null;
    }
    const plain = await decryptFrame(guess.material, frame, trailer);
    if (plain) keys.accept(trailer.keyId, guess);
    else {
      keys.reject(trailer.keyId);
      this.stats.failed++;
    }
    return plain;
  }
}

function sampleOf(kind: 'audio' | 'video', clearBytes: number, frame: Bytes): FrameSample {
  return { kind, clearBytes, hex: toHex(frame.subarray(0, 64)) };
}

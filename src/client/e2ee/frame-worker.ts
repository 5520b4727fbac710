/**
 * The main thread's handle on the E2EE worker: passes keys on, attaches an RTCRtpScriptTransform to
 * each sender and receiver, and tells the worker which mid carries whose media.
 */
import type { RemoteTrack } from '../../protocol/messages.js';
import type { Bytes } from './encoding.js';
import type { FrameKeySink } from './key-exchange.js';
import type { FrameStats, FromWorker, ToWorker, TransformOptions } from './worker-protocol.js';

export class FrameWorker implements FrameKeySink {
  private readonly worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'confab-e2ee' });
  private readonly attached = new WeakSet<RTCRtpSender | RTCRtpReceiver>();
  private readonly pending = new Map<number, (stats: FrameStats) => void>();
  private nextRequest = 0;

  constructor() {
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      this.pending.get(m.requestId)?.(m.stats);
      this.pending.delete(m.requestId);
    };
  }

  setSenderKey(keyId: number, key: Bytes): void {
    this.post({ type: 'sender-key', keyId, key: copy(key) });
  }

  setReceiverKey(participantId: string, keyId: number, key: Bytes): void {
    this.post({ type: 'receiver-key', participantId, keyId, key: copy(key) });
  }

  forget(participantId: string): void {
    this.post({ type: 'forget', participantId });
  }

  setEncrypting(encrypting: boolean): void {
    this.post({ type: 'encrypting', encrypting });
  }

  /** Call with every applied offer, before its media can arrive. */
  setOwners(tracks: readonly RemoteTrack[]): void {
    this.post({ type: 'owners', owners: tracks.map((t) => [t.mid, t.participantId]) });
  }

  attachSender(sender: RTCRtpSender, kind: 'audio' | 'video'): void {
    this.attach(sender, { side: 'send', kind });
  }

  attachReceiver(receiver: RTCRtpReceiver, mid: string): void {
    this.attach(receiver, { side: 'receive', kind: receiver.track.kind as 'audio' | 'video', mid });
  }

  sample(frames: number): void {
    this.post({ type: 'sample', frames });
  }

  stats(): Promise<FrameStats> {
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve);
      this.post({ type: 'stats', requestId });
    });
  }

  terminate(): void {
    this.worker.terminate();
  }

  private attach(target: RTCRtpSender | RTCRtpReceiver, options: TransformOptions): void {
    if (this.attached.has(target)) return;
    this.attached.add(target);
    target.transform = new RTCRtpScriptTransform(this.worker, options);
  }

  private post(message: ToWorker): void {
    const transfer = 'key' in message ? [message.key] : [];
    this.worker.postMessage(message, transfer);
  }
}

function copy(bytes: Bytes): ArrayBuffer {
  return bytes.slice().buffer;
}

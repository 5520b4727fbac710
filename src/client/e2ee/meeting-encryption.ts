/**
 * One participant's end-to-end encryption for one meeting: the key exchange (main thread) and the
 * frame worker, wired together. The call session feeds it the meeting's events and relays; the UI
 * reads safety codes, peer statuses and whether media is encrypted right now.
 */
import type { E2eePayload } from '../../protocol/e2ee.js';
import type { ParticipantInfo, RemoteTrack } from '../../protocol/messages.js';
import { fromBase64Url } from './encoding.js';
import { FrameWorker } from './frame-worker.js';
import { KeyExchange, type KeyExchangeEvents, type PeerView, type Relay } from './key-exchange.js';
import type { FrameStats } from './worker-protocol.js';

export class MeetingEncryption {
  /** False while the host lets in browsers without E2EE and one is present: media goes unencrypted. */
  encrypting = true;

  private constructor(
    private readonly frames: FrameWorker,
    private readonly exchange: KeyExchange,
  ) {}

  static async create(meetingId: string, meetingKey: string, relay: Relay): Promise<MeetingEncryption> {
    const frames = new FrameWorker();
    const exchange = await KeyExchange.create({ meetingId, secret: fromBase64Url(meetingKey), relay, frames });
    return new MeetingEncryption(frames, exchange);
  }

  get events() {
    return this.exchange.events;
  }

  get safetyCode(): string {
    return this.exchange.safetyCode;
  }

  get keyId(): number | null {
    return this.exchange.keyId;
  }

  peer(id: string): PeerView | undefined {
    return this.exchange.peer(id);
  }

  // ---- from the session

  welcomed(selfId: string, others: readonly ParticipantInfo[]): void {
    this.exchange.start(selfId, others.map((p) => p.id));
  }

  joined(id: string): void {
    this.exchange.joined(id);
  }

  left(id: string): void {
    this.exchange.left(id);
  }

  relayed(from: string, data: string): void {
    this.exchange.receive(from, data);
  }

  /**
   * Media stays end-to-end encrypted unless the host allowed browsers without E2EE and one of them
   * is here: then everyone sends in the clear (over DTLS-SRTP only) so that it can see and hear.
   */
  update(allowUnencrypted: boolean, participants: Iterable<ParticipantInfo>): void {
    let unencryptedPresent = false;
    for (const p of participants) if (!p.e2ee) unencryptedPresent = true;
    const encrypting = !(allowUnencrypted && unencryptedPresent);
    if (encrypting === this.encrypting) return;
    this.encrypting = encrypting;
    this.frames.setEncrypting(encrypting);
    this.exchange.events.emit('peers', undefined);
  }

  send(payload: E2eePayload): Promise<boolean> {
    return this.exchange.send(payload);
  }

  // ---- for the PeerConnection

  attachSender(sender: RTCRtpSender, kind: 'audio' | 'video'): void {
    this.frames.attachSender(sender, kind);
  }

  attachReceiver(receiver: RTCRtpReceiver, mid: string): void {
    this.frames.attachReceiver(receiver, mid);
  }

  setOwners(tracks: readonly RemoteTrack[]): void {
    this.frames.setOwners(tracks);
  }

  // ---- for tests and diagnostics

  frameStats(): Promise<FrameStats> {
    return this.frames.stats();
  }

  sampleFrames(count: number): void {
    this.frames.sample(count);
  }

  close(): void {
    this.exchange.stop();
    this.frames.terminate();
  }
}

export type { KeyExchangeEvents, PeerView };

/**
 * The two ways a synthetic participant's packets leave:
 * - SrtpLayerSink: a simulcast layer, which werift's sender can't do. We build the RTP header
 *   ourselves (own SSRC, mid, rid and transport-wide sequence number extensions with the ids the
 *   SDP negotiated) and hand it to the PeerConnection's DTLS transport, which encrypts and sends.
 * - SenderSink: werift's normal RTCRtpSender (microphone; the camera without simulcast), which
 *   sets SSRC, payload type and its extensions itself and answers NACKs from its own history.
 */
import { randomBytes } from 'node:crypto';
import { RtpHeader, RtpPacket, type RTCDtlsTransport, type RTCRtpSender } from 'werift';
import { RtpHistory } from './rtp-history.js';
import type { RtpSink } from './video-layer.js';

/** Negotiated header extension ids of one m-line (absent: not negotiated). */
export interface ExtensionIds {
  mid?: number | undefined;
  rid?: number | undefined;
  transportCc?: number | undefined;
  audioLevel?: number | undefined;
}

type Extension = RtpHeader['extensions'][number];

export function randomSsrc(): number {
  return randomBytes(4).readUInt32BE(0);
}

export class SrtpLayerSink implements RtpSink {
  readonly ssrc = randomSsrc();
  private readonly header: RtpHeader;
  private readonly transportSeq: Buffer | undefined;
  private readonly history: RtpHistory;

  constructor(
    private readonly dtls: RTCDtlsTransport,
    payloadType: number,
    ids: ExtensionIds,
    mid: string,
    rid: string,
    maxPayloadBytes: number,
  ) {
    if (ids.rid === undefined) throw new Error('simulcast needs the rtp-stream-id extension');
    const extensions: Extension[] = [{ id: ids.rid, payload: Buffer.from(rid) }];
    if (ids.mid !== undefined) extensions.push({ id: ids.mid, payload: Buffer.from(mid) });
    if (ids.transportCc !== undefined) {
      this.transportSeq = Buffer.alloc(2);
      extensions.push({ id: ids.transportCc, payload: this.transportSeq });
    }
    // One header object per layer, rewritten for every packet: werift serialises it during the send call.
    this.header = new RtpHeader({ payloadType, ssrc: this.ssrc, extensions: extensions.sort((a, b) => a.id - b.id) });
    this.history = new RtpHistory(maxPayloadBytes);
  }

  send(payload: Buffer, sequenceNumber: number, timestamp: number, marker: boolean): void {
    this.history.keep(payload, sequenceNumber, timestamp, marker);
    this.transmit(payload, sequenceNumber, timestamp, marker);
  }

  /** Answers a NACK: the same packet again, on the same SSRC (no RTX for simulcast layers). */
  retransmit(sequenceNumber: number): void {
    const p = this.history.get(sequenceNumber);
    if (p) this.transmit(p.payload, sequenceNumber, p.timestamp, p.marker);
  }

  private transmit(payload: Buffer, sequenceNumber: number, timestamp: number, marker: boolean): void {
    const h = this.header;
    h.sequenceNumber = sequenceNumber;
    h.timestamp = timestamp;
    h.marker = marker;
    if (this.transportSeq) {
      // Shared with werift's senders on this transport, so the SFU sees one transport-wide sequence.
      this.dtls.transportSequenceNumber = (this.dtls.transportSequenceNumber + 1) & 0xffff;
      this.transportSeq.writeUInt16BE(this.dtls.transportSequenceNumber, 0);
    }
    void this.dtls.sendRtp(payload, h);
  }
}

export class SenderSink implements RtpSink {
  constructor(
    private readonly sender: RTCRtpSender,
    /** Extensions werift doesn't add itself (the audio level), sent with every packet. */
    private readonly extensions: Extension[] = [],
  ) {}

  get ssrc(): number {
    return this.sender.ssrc;
  }

  send(payload: Buffer, sequenceNumber: number, timestamp: number, marker: boolean): void {
    // werift keeps the packet for retransmission, so it gets its own copy of the payload.
    const header = new RtpHeader({ sequenceNumber, timestamp, marker, extensions: this.extensions });
    void this.sender.sendRtp(new RtpPacket(header, Buffer.from(payload)));
  }
}

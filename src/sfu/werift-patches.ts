/**
 * The places where the SFU replaces a piece of werift (0.24.4, pinned) with its own: each one is a
 * werift behaviour that is wrong for an SFU, explained in docs/sfu.md. Kept here so that a werift
 * upgrade has one file to check.
 */
import { RtpHeader, type RTCDtlsTransport, type RTCRtpReceiver, type RTCRtpSender, type RTCRtpTransceiver } from 'werift';

/** werift's per-track transport-cc feedback is wrong; the transport sends transport-wide feedback itself. */
export function disableWeriftTwcc(t: RTCRtpTransceiver): void {
  (t.receiver as unknown as { setupTWCC: () => void }).setupTWCC = () => {};
}

/**
 * werift keeps one NACK state per m-line, which a simulcast m-line (three SSRCs) turns into a
 * stream of bogus NACKs; the Producer generates NACKs per layer instead.
 */
export function disableWeriftNack(receiver: RTCRtpReceiver): void {
  (receiver as unknown as { nack: { addPacket: () => void } }).nack.addPacket = () => {};
}

/**
 * Calls `sent` with the transport-wide sequence number and size of every RTP packet the transport
 * sends, for the downlink estimate, and lets `mayResend` refuse resends. werift resends a NACKed
 * packet with the header it first went out with, transport-wide number included; a number sent
 * twice makes the feedback about it ambiguous (the later send time against the first copy's arrival
 * reads as a packet that arrived too early, which corrupts the delay baseline), so each resend gets
 * a fresh number here, as libwebrtc gives its retransmissions.
 */
export function observeSentRtp(
  dtls: RTCDtlsTransport,
  transportCcId: number,
  sent: (transportSeq: number, bytes: number) => void,
  mayResend: (bytes: number) => boolean,
): void {
  const send = dtls.sendRtp.bind(dtls);
  dtls.sendRtp = (payload: Buffer, header: RtpHeader) => {
    const extensions = header.extensions;
    for (let i = 0; i < extensions.length; i++) {
      const ext = extensions[i]!;
      if (ext.id !== transportCcId || ext.payload.length < 2) continue;
      let seq = ext.payload.readUInt16BE(0);
      const bytes = payload.length + header.serializeSize;
      // werift numbered a new packet just now; anything else is a resend.
      if (seq !== dtls.transportSequenceNumber) {
        if (!mayResend(bytes)) return Promise.resolve(0);
        seq = dtls.transportSequenceNumber = (dtls.transportSequenceNumber + 1) & 0xffff;
        ext.payload = Buffer.from([seq >> 8, seq & 0xff]);
      }
      sent(seq, bytes);
      break;
    }
    return send(payload, header);
  };
}

/** The most padding one RTP packet can carry (its last byte counts the padding). */
export const PADDING_PACKET_BYTES = 255;
const PADDING = Buffer.alloc(PADDING_PACKET_BYTES);
PADDING[PADDING_PACKET_BYTES - 1] = PADDING_PACKET_BYTES;

/**
 * Sends one padding-only packet on `sender`'s RTX stream, with a fresh transport-wide number, so
 * that it counts in the browser's congestion feedback (the bandwidth probe, see upgrade-probe.ts);
 * the browser drops it after that, as libwebrtc's own probes. werift has no padding of its own: this
 * uses the sender's RTX SSRC, payload type and sequence (shared with its NACK resends). Returns the
 * bytes sent (header and padding), 0 when the sender has no RTX negotiated or sent no media yet.
 */
export function sendRtxPadding(sender: RTCRtpSender, dtls: RTCDtlsTransport, transportCcId: number): number {
  const s = sender as unknown as { rtxPayloadType?: number; rtxSsrc: number; rtxSequenceNumber: number; timestamp?: number };
  if (s.rtxPayloadType === undefined || s.timestamp === undefined) return 0;
  const seq = (dtls.transportSequenceNumber = (dtls.transportSequenceNumber + 1) & 0xffff);
  const header = new RtpHeader({
    payloadType: s.rtxPayloadType,
    ssrc: s.rtxSsrc,
    sequenceNumber: s.rtxSequenceNumber,
    timestamp: s.timestamp,
    padding: true,
    paddingSize: PADDING_PACKET_BYTES,
    extensions: [{ id: transportCcId, payload: Buffer.from([seq >> 8, seq & 0xff]) }],
  });
  s.rtxSequenceNumber = (s.rtxSequenceNumber + 1) & 0xffff;
  void dtls.sendRtp(PADDING, header);
  return PADDING_PACKET_BYTES + header.serializeSize;
}

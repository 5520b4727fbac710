/**
 * The places where the SFU replaces a piece of werift (0.24.4, pinned) with its own: each one is a
 * werift behaviour that is wrong for an SFU, explained in docs/sfu.md. Kept here so that a werift
 * upgrade has one file to check.
 */
import type { RTCDtlsTransport, RTCRtpReceiver, RTCRtpTransceiver, RtpHeader } from 'werift';

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

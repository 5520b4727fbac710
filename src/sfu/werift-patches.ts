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
 * Calls `sent` with every RTP header and payload size the transport sends (after werift added the
 * transport-wide sequence number), for the downlink estimate.
 */
export function observeSentRtp(dtls: RTCDtlsTransport, sent: (header: RtpHeader, payloadBytes: number) => void): void {
  const send = dtls.sendRtp.bind(dtls);
  dtls.sendRtp = (payload: Buffer, header: RtpHeader) => {
    sent(header, payload.length);
    return send(payload, header);
  };
}

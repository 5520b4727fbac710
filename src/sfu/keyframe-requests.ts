/**
 * Which of our sending SSRCs an RTCP packet from a subscriber asks a keyframe for:
 * PLI (PSFB FMT 1) names it as the media source, FIR (PSFB FMT 4, RFC 5104) in its entries,
 * because a FIR's media-source field is always 0.
 */
import { PictureLossIndication, RtcpPayloadSpecificFeedback, type RtcpPacket } from 'werift';

const FIR_FMT = 4;

/** Calls `request` once per SSRC asked for; no allocation for the common non-PSFB packets. */
export function forEachKeyframeRequest(packet: RtcpPacket, request: (ssrc: number) => void): void {
  if (!(packet instanceof RtcpPayloadSpecificFeedback)) return;
  const fb = packet.feedback;
  if (fb instanceof PictureLossIndication) {
    request(fb.mediaSsrc);
  } else if (fb.count === FIR_FMT && 'fir' in fb) {
    // werift does not export its FIR class; its entries carry the target SSRCs.
    for (const entry of (fb as { fir: { ssrc: number }[] }).fir) request(entry.ssrc);
  }
}

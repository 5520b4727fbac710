/**
 * Removes RTX from one m-section of our offer. A simulcast camera's retransmissions would come as
 * RTX on SSRCs the SDP never names, which werift can't route; without RTX the browser resends lost
 * packets on the layer's own SSRC, where the Producer's per-layer NACK state expects them.
 */
export function withoutRtx(sdp: string, mid: string): string {
  const sections = sdp.split(/(?=\r\nm=)/);
  return sections
    .map((section) => {
      if (!section.includes(`\r\na=mid:${mid}\r\n`) && !section.endsWith(`\r\na=mid:${mid}`)) return section;
      const rtx = new Set([...section.matchAll(/\r\na=rtpmap:(\d+) rtx\//g)].map((m) => m[1]!));
      if (rtx.size === 0) return section;
      return section
        .split('\r\n')
        .filter((line) => {
          const pt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)[ ]/.exec(line)?.[1];
          return pt === undefined || !rtx.has(pt);
        })
        .map((line) => (line.startsWith('m=') ? line.split(' ').filter((f, i) => i < 3 || !rtx.has(f)).join(' ') : line))
        .join('\r\n');
    })
    .join('');
}

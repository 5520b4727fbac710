/**
 * The few VP8 RTP payload bits the SFU reads (RFC 7741). They stay in the clear under E2EE,
 * which encrypts only the VP8 payload after the descriptor and the keyframe byte.
 */

/** Length of the VP8 payload descriptor at the start of `payload`, or -1 if truncated. */
export function vp8DescriptorLength(payload: Uint8Array): number {
  if (payload.length < 1) return -1;
  const b0 = payload[0]!;
  let len = 1;
  if (b0 & 0x80) {
    // X: extension byte with I, L, T, K flags
    if (payload.length < 2) return -1;
    const x = payload[1]!;
    len = 2;
    if (x & 0x80) {
      // I: PictureID, 7 or 15 bits
      if (payload.length < len + 1) return -1;
      len += payload[len]! & 0x80 ? 2 : 1;
    }
    if (x & 0x40) len += 1; // L: TL0PICIDX
    if (x & 0x30) len += 1; // T or K: TID/Y/KEYIDX
  }
  return len <= payload.length ? len : -1;
}

/**
 * True when this packet starts a VP8 keyframe: start of partition 0 (S=1, PID=0) and the
 * inverse keyframe bit P of the VP8 payload header is 0.
 */
export function isVp8KeyframeStart(payload: Uint8Array): boolean {
  const len = vp8DescriptorLength(payload);
  if (len < 0 || len >= payload.length) return false;
  const b0 = payload[0]!;
  const startOfPartition0 = (b0 & 0x10) !== 0 && (b0 & 0x0f) === 0;
  return startOfPartition0 && (payload[len]! & 0x01) === 0;
}

/**
 * The frame height a keyframe start packet announces (the 14-bit field after the start code), or
 * -1 when `payload` is not a keyframe start. The SFU learns each simulcast layer's size from it.
 */
export function vp8KeyframeHeight(payload: Uint8Array): number {
  if (!isVp8KeyframeStart(payload)) return -1;
  const at = vp8DescriptorLength(payload) + 8; // 3-byte frame tag, 3-byte start code, 2-byte width
  if (at + 2 > payload.length) return -1;
  return (payload[at]! | (payload[at + 1]! << 8)) & 0x3fff;
}

/**
 * Reads Opus packets from an Ogg file (RFC 7845): pages are joined by their lacing values into
 * packets; the first two packets (OpusHead, OpusTags) are headers, the rest are audio.
 */

export interface OpusClip {
  packets: Buffer[];
  /** Duration of each packet in 48 kHz samples, i.e. its RTP timestamp increment. */
  samples: number[];
}

/** RFC 6716 3.1: the TOC byte's config gives the frame size, its code c how many frames follow. */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length === 0) throw new Error('empty Opus packet');
  const toc = packet[0]!;
  const config = toc >> 3;
  let frameSamples: number;
  if (config < 12) frameSamples = [480, 960, 1920, 2880][config & 3]!; // SILK: 10, 20, 40, 60 ms
  else if (config < 16) frameSamples = [480, 960][config & 1]!; // hybrid: 10, 20 ms
  else frameSamples = [120, 240, 480, 960][config & 3]!; // CELT: 2.5, 5, 10, 20 ms
  const code = toc & 3;
  if (code === 0) return frameSamples;
  if (code !== 3) return 2 * frameSamples;
  if (packet.length < 2) throw new Error('truncated Opus packet');
  return (packet[1]! & 0x3f) * frameSamples;
}

export function parseOggOpus(file: Buffer): OpusClip {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  let at = 0;
  while (at < file.length) {
    if (file.toString('latin1', at, at + 4) !== 'OggS' || at + 27 > file.length) throw new Error(`no Ogg page at byte ${at}`);
    const segments = file[at + 26]!;
    const lacing = file.subarray(at + 27, at + 27 + segments);
    let body = at + 27 + segments;
    for (const len of lacing) {
      pending.push(file.subarray(body, body + len));
      body += len;
      // A lacing value under 255 ends a packet; 255 means it continues (possibly on the next page).
      if (len < 255) {
        packets.push(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
        pending = [];
      }
    }
    if (body > file.length) throw new Error('truncated Ogg page');
    at = body;
  }
  if (packets[0]?.toString('latin1', 0, 8) !== 'OpusHead') throw new Error('Ogg file does not carry Opus');
  const audio = packets.slice(2).filter((p) => p.length > 0);
  if (audio.length === 0) throw new Error('Ogg Opus file has no audio packets');
  return { packets: audio, samples: audio.map(opusPacketSamples) };
}

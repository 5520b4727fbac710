/**
 * The few things a synthetic participant reads from the SFU's offer: whether the camera m-line asks
 * for simulcast (and which rids, lowest first), and the header extension ids of an m-line.
 */
import { isLoopback } from '../sfu/candidates.js';
import type { ExtensionIds } from './rtp-sinks.js';

export const EXTENSION_URIS: Readonly<Record<keyof ExtensionIds, string>> = {
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  transportCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
};

/** The lines of the m-section whose a=mid is `mid`, or undefined. */
export function mediaSection(sdp: string, mid: string): string[] | undefined {
  const sections = sdp.split(/\r?\n(?=m=)/);
  for (const section of sections) {
    const lines = section.split(/\r?\n/);
    if (lines[0]?.startsWith('m=') && lines.includes(`a=mid:${mid}`)) return lines;
  }
  return undefined;
}

/**
 * The rids the section wants to receive as simulcast (`a=simulcast:recv q;h;f` with an
 * `a=rid:<id> recv` for each), in the simulcast line's order; empty without simulcast.
 */
export function simulcastRecvRids(section: readonly string[]): string[] {
  const line = section.find((l) => l.startsWith('a=simulcast:'));
  const recv = line?.slice('a=simulcast:'.length).split(' ');
  const at = recv?.indexOf('recv') ?? -1;
  if (!recv || at < 0 || !recv[at + 1]) return [];
  const declared = new Set(section.filter((l) => /^a=rid:\S+ recv\b/.test(l)).map((l) => l.slice(6).split(' ')[0]));
  // Alternatives ("q,q2") are not used by the SFU; the first of each is taken.
  const rids = recv[at + 1]!.split(';').map((r) => r.split(',')[0]!.replace(/^~/, ''));
  return rids.every((r) => declared.has(r)) ? rids : [];
}

export function extensionIds(section: readonly string[]): ExtensionIds {
  const ids: ExtensionIds = {};
  for (const line of section) {
    const m = /^a=extmap:(\d+)(?:\/\w+)? (\S+)/.exec(line);
    if (!m) continue;
    for (const key of Object.keys(EXTENSION_URIS) as (keyof ExtensionIds)[]) if (EXTENSION_URIS[key] === m[2]) ids[key] = Number(m[1]);
  }
  return ids;
}

/**
 * Our answer as we send it: only loopback candidates (werift also gathers on the machine's other
 * interfaces, which a load run must not announce), and, on a simulcast m-line, no SSRC lines:
 * simulcast layers are told apart by rid and a browser announces no SSRC for them (werift would
 * announce its unused sender's).
 */
export function loadAnswer(sdp: string, simulcastMid: string | null): string {
  const out: string[] = [];
  let inSimulcast = false;
  const lines = sdp.split('\r\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('m=')) inSimulcast = simulcastMid !== null && sectionMid(lines, i) === simulcastMid;
    if (line.startsWith('a=candidate:') && !isLoopback(line.split(' ')[4] ?? '')) continue;
    if (inSimulcast && (line.startsWith('a=ssrc:') || line.startsWith('a=ssrc-group:'))) continue;
    out.push(line);
  }
  return out.join('\r\n');
}

function sectionMid(lines: readonly string[], start: number): string | undefined {
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('m='); i++) {
    if (lines[i]!.startsWith('a=mid:')) return lines[i]!.slice(6);
  }
  return undefined;
}

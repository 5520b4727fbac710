/**
 * ICE candidate policy for the media plane:
 * - local candidates are limited to the configured listen IPs, and rewritten to the announced
 *   public IP when the server sits behind 1:1 NAT;
 * - remote mDNS candidates (*.local) are dropped, because resolving them would send multicast
 *   queries onto the server's network;
 * - when the server listens on loopback only, remote candidates outside loopback are dropped,
 *   so no ICE check ever leaves the machine.
 */
import { isIP } from 'node:net';

export interface CandidatePolicy {
  listenIps: readonly string[];
  announcedIp?: string | undefined;
}

/** Field 4 (0-based) of "candidate:<foundation> <component> <transport> <priority> <address> <port> typ …". */
export function candidateAddress(candidate: string): string | undefined {
  const fields = candidate.replace(/^a=/, '').split(' ');
  return fields[4];
}

function withAddress(candidate: string, address: string): string {
  const fields = candidate.split(' ');
  fields[4] = address;
  return fields.join(' ');
}

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.');
}

export function loopbackOnly(policy: CandidatePolicy): boolean {
  return policy.listenIps.length > 0 && policy.listenIps.every(isLoopback);
}

/** A local candidate as it may be shown to the client, or null to withhold it. */
export function publicLocalCandidate(candidate: string, policy: CandidatePolicy): string | null {
  const address = candidateAddress(candidate);
  if (!address || isIP(address) === 0) return null;
  if (policy.listenIps.length > 0 && !policy.listenIps.includes(address)) return null;
  return policy.announcedIp && !isLoopback(address) ? withAddress(candidate, policy.announcedIp) : candidate;
}

/** Apply publicLocalCandidate to every a=candidate line of an SDP. */
export function publicLocalSdp(sdp: string, policy: CandidatePolicy): string {
  const lines = sdp.split('\r\n');
  const out: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('a=candidate:')) {
      out.push(line);
      continue;
    }
    const rewritten = publicLocalCandidate(line.slice(2), policy);
    if (rewritten) out.push(`a=${rewritten}`);
  }
  return out.join('\r\n');
}

/** Whether the SFU should try a remote candidate at all. */
export function acceptRemoteCandidate(candidate: string, policy: CandidatePolicy): boolean {
  const address = candidateAddress(candidate);
  if (!address || isIP(address) === 0) return false; // mDNS names, garbage
  if (loopbackOnly(policy)) return isLoopback(address);
  return true;
}

/** Remote SDP with candidates the SFU must not try removed (see acceptRemoteCandidate). */
export function acceptedRemoteSdp(sdp: string, policy: CandidatePolicy): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || acceptRemoteCandidate(line.slice(2), policy))
    .join('\r\n');
}

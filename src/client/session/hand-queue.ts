/** Everyone with a raised hand, ourselves included, first raised first (the server's order). */
import type { ParticipantInfo } from '../../protocol/messages.js';

export interface HandState {
  readonly participantId: string | null;
  readonly handRaisedAt: number | null;
  readonly participants: ReadonlyMap<string, ParticipantInfo>;
}

export function handQueue(s: HandState): string[] {
  const raised: [string, number][] = [];
  if (s.participantId !== null && s.handRaisedAt !== null) raised.push([s.participantId, s.handRaisedAt]);
  for (const p of s.participants.values()) if (p.handRaisedAt !== undefined) raised.push([p.id, p.handRaisedAt]);
  return raised.sort((a, b) => a[1] - b[1]).map(([id]) => id);
}

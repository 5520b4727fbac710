/**
 * A meeting's participants and their published-track state, as plain logic with no I/O.
 * The signaling layer calls these methods and turns the returned results into messages.
 */
import type { MediaKind, ParticipantInfo, Role } from '../protocol/messages.js';

export interface Participant {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  audioMuted: boolean;
  videoMuted: boolean;
}

export type JoinResult =
  | { ok: true; participant: Participant; others: ParticipantInfo[] }
  | { ok: false; reason: 'meeting-full' };

export class Meeting {
  private readonly participants = new Map<string, Participant>();

  constructor(
    readonly id: string,
    readonly title: string,
    private readonly maxParticipants: number,
  ) {}

  get size(): number {
    return this.participants.size;
  }

  get isEmpty(): boolean {
    return this.participants.size === 0;
  }

  join(id: string, name: string, role: Role, audioMuted: boolean, videoMuted: boolean): JoinResult {
    if (this.participants.has(id)) throw new Error('participant id reused');
    if (this.participants.size >= this.maxParticipants) return { ok: false, reason: 'meeting-full' };
    const others = this.list();
    const participant: Participant = { id, name, role, audioMuted, videoMuted };
    this.participants.set(id, participant);
    return { ok: true, participant, others };
  }

  /** Returns the participant that left, or undefined if it was not here (leave is idempotent). */
  leave(id: string): Participant | undefined {
    const p = this.participants.get(id);
    if (p) this.participants.delete(id);
    return p;
  }

  /** Returns true when the state changed, so that only real changes are broadcast. */
  setMuted(id: string, kind: MediaKind, muted: boolean): boolean {
    const p = this.participants.get(id);
    if (!p) return false;
    const key = kind === 'audio' ? 'audioMuted' : 'videoMuted';
    if (p[key] === muted) return false;
    p[key] = muted;
    return true;
  }

  has(id: string): boolean {
    return this.participants.has(id);
  }

  /** Everyone except `exceptId`. */
  list(exceptId?: string): ParticipantInfo[] {
    const out: ParticipantInfo[] = [];
    for (const p of this.participants.values()) {
      if (p.id !== exceptId) out.push(toInfo(p));
    }
    return out;
  }

  ids(): string[] {
    return [...this.participants.keys()];
  }
}

export function toInfo(p: Participant): ParticipantInfo {
  return { id: p.id, name: p.name, role: p.role, audioMuted: p.audioMuted, videoMuted: p.videoMuted };
}

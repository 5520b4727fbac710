/**
 * Which remote participant's media arrives on which receiver: decided only by the `tracks` list of
 * the latest offer (mid -> participant), never by ontrack or msid. Mids that are not listed are idle.
 */
import type { MediaKind, RemoteTrack } from '../../protocol/messages.js';

export type ParticipantMedia<T> = Partial<Record<MediaKind, T>>;

export function mapRemoteMedia<T>(tracks: readonly RemoteTrack[], trackForMid: (mid: string) => T | undefined): Map<string, ParticipantMedia<T>> {
  const out = new Map<string, ParticipantMedia<T>>();
  for (const { mid, participantId, kind } of tracks) {
    const track = trackForMid(mid);
    if (track === undefined) continue;
    let media = out.get(participantId);
    if (!media) out.set(participantId, (media = {}));
    media[kind] = track;
  }
  return out;
}

/**
 * Which remote participant's media arrives on which receiver: decided only by the `tracks` list of
 * the latest offer (mid -> participant and source), never by ontrack or msid. Mids that are not
 * listed are idle.
 */
import type { MediaSource, RemoteTrack } from '../../protocol/messages.js';

/** A participant's microphone (`audio`), camera (`video`) and shared screen (`screen`). */
export type MediaSlot = 'audio' | 'video' | 'screen';
export type ParticipantMedia<T> = Partial<Record<MediaSlot, T>>;

const SLOT: Record<MediaSource, MediaSlot> = { microphone: 'audio', camera: 'video', screen: 'screen' };

export function mapRemoteMedia<T>(tracks: readonly RemoteTrack[], trackForMid: (mid: string) => T | undefined): Map<string, ParticipantMedia<T>> {
  const out = new Map<string, ParticipantMedia<T>>();
  for (const { mid, participantId, source } of tracks) {
    const track = trackForMid(mid);
    if (track === undefined) continue;
    let media = out.get(participantId);
    if (!media) out.set(participantId, (media = {}));
    media[SLOT[source]] = track;
  }
  return out;
}

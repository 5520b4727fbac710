/**
 * Which remote cameras a synthetic participant shows, for its `view` message. Participant i shows
 * the `tiles` participants who joined after it (wrapping around), so that every camera is watched
 * by about `tiles` people, as in a gallery where everyone sees a different page.
 */
import type { RemoteTrack, TileView } from '../protocol/messages.js';

export interface ViewPlan {
  /** Our own join order. */
  self: number;
  /** Participants in the run. */
  count: number;
  tiles: number;
  width: number;
  height: number;
}

/** Join order of a synthetic participant from its display name ("Load 7" is 7). */
export function joinOrder(name: string): number | undefined {
  const m = /(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function viewTiles(tracks: readonly RemoteTrack[], orderOf: (participantId: string) => number | undefined, plan: ViewPlan): TileView[] {
  const distance = (id: string) => {
    const order = orderOf(id);
    return order === undefined ? Infinity : (((order - plan.self - 1) % plan.count) + plan.count) % plan.count;
  };
  return tracks
    .filter((t) => t.source === 'camera')
    .map((t) => ({ id: t.participantId, d: distance(t.participantId) }))
    .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
    .slice(0, plan.tiles)
    .map((t) => ({ participantId: t.id, source: 'camera' as const, width: plan.width, height: plan.height }));
}

/**
 * Last-N: whose video one subscriber receives when a meeting has more people than it is worth
 * sending. The order: the participant the subscriber pinned, anyone sharing a screen, then the most
 * recent speakers, then the earliest to join (so the set doesn't churn while nobody speaks).
 */
export interface Candidate {
  participantId: string;
  sharingScreen: boolean;
  /** performance.now() of their latest speech, -Infinity if never. */
  lastSpokeMs: number;
  /** Join order within the meeting (smaller joined earlier). */
  joinOrder: number;
}

/** Rank candidates by relevance for a subscriber; a larger rank is more relevant. */
function relevanceOrder(candidates: readonly Candidate[], pinned: string | null): Candidate[] {
  return [...candidates].sort((a, b) => {
    if ((a.participantId === pinned) !== (b.participantId === pinned)) return a.participantId === pinned ? -1 : 1;
    if (a.sharingScreen !== b.sharingScreen) return a.sharingScreen ? -1 : 1;
    if (a.lastSpokeMs !== b.lastSpokeMs) return b.lastSpokeMs - a.lastSpokeMs;
    return a.joinOrder - b.joinOrder;
  });
}

/** The ids whose video the subscriber gets, with each one's priority (higher is more relevant). */
export function selectLastN(candidates: readonly Candidate[], pinned: string | null, n: number): Map<string, number> {
  const chosen = new Map<string, number>();
  const ordered = relevanceOrder(candidates, pinned);
  for (let i = 0; i < ordered.length && i < n; i++) chosen.set(ordered[i]!.participantId, n - i);
  return chosen;
}

/**
 * Tile view and speaker view. In speaker view one tile is featured large in the grid
 * (`data-featured="true"`) and the others line up in the strip (`#tile-strip`) below it.
 */
export type ViewMode = 'tiles' | 'speaker';

export interface FeatureChoice {
  pinned: string | null;
  active: string | null;
  /** The tile featured until now: kept while nobody else has a claim, so the view doesn't jump. */
  previous: string | null;
  /** Every tile's participant id, ours included. */
  ids: readonly string[];
  selfId: string;
}

/** The pinned participant, else the active speaker, else who was featured, else someone else, else us. */
export function featuredId(c: FeatureChoice): string | null {
  const present = (id: string | null): id is string => id !== null && c.ids.includes(id);
  if (present(c.pinned)) return c.pinned;
  if (present(c.active)) return c.active;
  if (present(c.previous) && c.previous !== c.selfId) return c.previous;
  return c.ids.find((id) => id !== c.selfId) ?? c.ids[0] ?? null;
}

/**
 * Puts each tile where the mode wants it, keeping the given order. Elements move only when their
 * place changes: a moved <video> keeps playing, but there is no reason to churn the DOM.
 */
export function arrangeTiles(grid: HTMLElement, strip: HTMLElement, tiles: readonly { id: string; el: HTMLElement }[], mode: ViewMode, featured: string | null): void {
  const inGrid: HTMLElement[] = [];
  const inStrip: HTMLElement[] = [];
  for (const { id, el } of tiles) {
    const isFeatured = mode === 'speaker' && id === featured;
    if (isFeatured) el.dataset.featured = 'true';
    else delete el.dataset.featured;
    (mode === 'tiles' || isFeatured ? inGrid : inStrip).push(el);
  }
  place(grid, inGrid);
  place(strip, inStrip);
}

function place(parent: HTMLElement, els: readonly HTMLElement[]): void {
  const current = [...parent.children].filter((c) => els.includes(c as HTMLElement));
  if (current.length === els.length && current.every((c, i) => c === els[i])) return;
  for (const el of els) parent.appendChild(el);
}

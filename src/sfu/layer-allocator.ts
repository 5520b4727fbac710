/**
 * Which layer of each remote video a subscriber gets, given its downlink estimate: plain logic,
 * run on the router's tick. Every shown video first gets its lowest layer, most important first;
 * what is left then raises them, again most important first, up to what each tile can show. A
 * video that doesn't fit even at its lowest layer is paused; when none fits, the subscriber is
 * down to audio only.
 */

export interface VideoDemand {
  /** The highest layer worth sending for the tile it is shown in (from `layerForTile`). */
  maxLayer: number;
  /** Larger goes first (screens, the pinned participant, recent speakers). */
  priority: number;
  /** Cost of each layer in bits/s; 0 for a layer the publisher doesn't send. */
  layerBps: readonly number[];
}

export interface Allocation {
  /** Per demand, in input order: the layer to forward, or -1 for none (paused for bandwidth). */
  layers: number[];
  /** Nothing fits: the subscriber receives audio only. */
  audioOnly: boolean;
}

export function allocateLayers(budgetBps: number, demands: readonly VideoDemand[]): Allocation {
  const layers = demands.map(() => -1);
  const order = demands.map((_, i) => i).sort((a, b) => demands[b]!.priority - demands[a]!.priority);
  let left = budgetBps;
  for (const i of order) {
    const lowest = lowestLayer(demands[i]!);
    if (lowest < 0) continue;
    const cost = demands[i]!.layerBps[lowest]!;
    if (cost > left) continue;
    layers[i] = lowest;
    left -= cost;
  }
  for (const i of order) {
    const d = demands[i]!;
    const from = layers[i]!;
    if (from < 0) continue;
    let best = from;
    for (let l = from + 1; l <= d.maxLayer && l < d.layerBps.length; l++) {
      const bps = d.layerBps[l]!;
      if (bps > 0 && bps - d.layerBps[from]! <= left) best = l;
    }
    left -= d.layerBps[best]! - d.layerBps[from]!;
    layers[i] = best;
  }
  const audioOnly = demands.length > 0 && layers.every((l) => l < 0);
  return { layers, audioOnly };
}

function lowestLayer(d: VideoDemand): number {
  for (let l = 0; l < d.layerBps.length; l++) if (d.layerBps[l]! > 0) return l;
  return -1;
}

/**
 * The smallest layer at least as tall as the tile (in device pixels), else the tallest one.
 * `heights` per layer, 0 where unknown or absent.
 */
export function layerForTile(heights: readonly number[], tileHeight: number): number {
  let tallest = 0;
  for (let l = 0; l < heights.length; l++) {
    const h = heights[l]!;
    if (h <= 0) continue;
    if (h >= tileHeight * 0.9) return l;
    tallest = l;
  }
  return tallest;
}

/**
 * One subscriber's forwarding plan: for each remote video it could receive, whether it gets it and
 * which layer, from what its browser shows (tile sizes, off-screen tiles), last-N, and its
 * downlink estimate. Plain logic over plain data, recomputed on every router tick and on changes.
 */
import type { PauseReason } from '../protocol/messages.js';
import { allocateLayers, layerForTile, type VideoDemand } from './layer-allocator.js';

export interface LayerState {
  cost: number;
  expectedHeight: number;
  flowing: boolean;
}

export interface RemoteVideo {
  participantId: string;
  source: 'camera' | 'screen';
  layers: readonly LayerState[];
}

export interface SubscriberView {
  /** Shown tiles: `${participantId}/${source}` -> height in device pixels. */
  tiles: ReadonlyMap<string, number>;
  pinned: string | null;
}

export interface VideoPlan {
  /** The layer to forward now (NO_LAYER = -1: none). */
  layer: number;
  /** The layer the allocation asked for, which dynacast keeps the publisher sending. */
  wanted: number;
  reason: PauseReason | null;
}

/** Before a browser says what it shows, every video counts as a mid-sized tile. */
export const DEFAULT_TILE_HEIGHT = 360;
/** Screens go before cameras in the budget. */
const SCREEN_PRIORITY_BONUS = 1000;

export const tileKey = (participantId: string, source: string): string => `${participantId}/${source}`;

/**
 * `lastN`: the participants within last-N with their priorities (see selectLastN). `budgetBps`:
 * what the downlink leaves for video.
 */
export function planForwarding(
  videos: readonly RemoteVideo[],
  view: SubscriberView | null,
  lastN: ReadonlyMap<string, number>,
  budgetBps: number,
): { plans: VideoPlan[]; audioOnly: boolean } {
  const plans: VideoPlan[] = videos.map(() => ({ layer: -1, wanted: -1, reason: null }));
  const demands: VideoDemand[] = [];
  const demanded: number[] = [];
  videos.forEach((video, i) => {
    const tileHeight = view ? view.tiles.get(tileKey(video.participantId, video.source)) : DEFAULT_TILE_HEIGHT;
    const priority = lastN.get(video.participantId);
    if (tileHeight === undefined) plans[i]!.reason = 'off-screen';
    else if (priority === undefined) plans[i]!.reason = 'last-n';
    else {
      demands.push({
        maxLayer: layerForTile(video.layers.map((l) => l.expectedHeight), tileHeight),
        priority: priority + (video.source === 'screen' ? SCREEN_PRIORITY_BONUS : 0),
        layerBps: video.layers.map((l) => l.cost),
      });
      demanded.push(i);
    }
  });
  const { layers, audioOnly } = allocateLayers(budgetBps, demands);
  demanded.forEach((videoIndex, d) => {
    const wanted = layers[d]!;
    const plan = plans[videoIndex]!;
    plan.wanted = wanted;
    if (wanted < 0) plan.reason = 'bandwidth';
    else plan.layer = flowingLayer(videos[videoIndex]!.layers, wanted);
  });
  return { plans, audioOnly };
}

/**
 * The wanted layer if the publisher sends it; else the best it sends below, else the nearest
 * above (a publisher's own uplink may hold back its top layer, and a resumed layer takes a moment).
 */
function flowingLayer(layers: readonly LayerState[], wanted: number): number {
  if (layers[wanted]!.flowing) return wanted;
  for (let l = wanted - 1; l >= 0; l--) if (layers[l]!.flowing) return l;
  for (let l = wanted + 1; l < layers.length; l++) if (layers[l]!.flowing) return l;
  return wanted;
}

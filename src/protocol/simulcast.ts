/**
 * Simulcast as the SFU and every publisher (browser or load generator) agree on it: the camera is
 * sent as three encodings of the same picture, lowest first. The SFU's offer lists these rids on
 * the camera m-line (`a=simulcast:recv q;h;f`), the browser answers with them, and the SFU picks
 * one layer per subscriber. The screen is one layer: detail matters more there than a lower size.
 */

/** Layer 0 (quarter size), 1 (half), 2 (full), as rids on the wire. */
export const SIMULCAST_RIDS = ['q', 'h', 'f'] as const;
export type LayerIndex = 0 | 1 | 2;
export const LAYER_COUNT = SIMULCAST_RIDS.length;

/** The publisher scales each layer down from the capture by this factor. */
export const LAYER_SCALE_DOWN: readonly number[] = [4, 2, 1];

/**
 * Upper bitrates the publisher gives each layer (bits/s). The SFU also uses them as each layer's
 * cost until it has measured the real rate (a paused layer has none).
 */
export const LAYER_MAX_BITRATE: readonly number[] = [150_000, 500_000, 1_500_000];

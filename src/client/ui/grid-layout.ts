/**
 * How many columns and rows for `count` tiles in a `width` x `height` area: the arrangement that
 * gives each tile the largest area at a target aspect ratio (16:9 in landscape, square in portrait;
 * video is cropped to fill its tile). On a wide screen that yields 1, 2, 2x2, 3x2, 3x3, 4x3 …;
 * on a portrait phone one column for up to three people, then two columns.
 */
export interface GridLayout {
  cols: number;
  rows: number;
}

export function computeGrid(count: number, width: number, height: number, gap = 8): GridLayout {
  const n = Math.max(1, Math.floor(count));
  if (width <= 0 || height <= 0) return { cols: Math.ceil(Math.sqrt(n)), rows: Math.ceil(n / Math.ceil(Math.sqrt(n))) };
  const landscape = width >= height;
  const aspect = landscape ? 16 / 9 : 1;
  let best: GridLayout & { area: number; empty: number } = { cols: 1, rows: n, area: -1, empty: 0 };
  // Try the orientation's natural direction first, so near-ties go to side by side in landscape
  // and to stacked in portrait.
  const order = Array.from({ length: n }, (_, i) => (landscape ? n - i : i + 1));
  for (const cols of order) {
    const rows = Math.ceil(n / cols);
    const cellW = (width - gap * (cols - 1)) / cols;
    const cellH = (height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    const tileW = Math.min(cellW, cellH * aspect);
    const area = tileW * (tileW / aspect);
    const empty = cols * rows - n;
    if (area > best.area * 1.03 || (area >= best.area * 0.97 && empty < best.empty)) {
      best = { cols, rows, area, empty };
    }
  }
  if (best.area < 0) return { cols: 1, rows: n };
  return { cols: best.cols, rows: best.rows };
}

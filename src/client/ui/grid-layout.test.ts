import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeGrid } from './grid-layout.js';

const shape = (n: number, w: number, h: number) => {
  const { cols, rows } = computeGrid(n, w, h);
  return `${cols}x${rows}`;
};

test('wide window: 1, 2, 2x2, 3x2, 3x3, 4x3', () => {
  const got = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12].map((n) => shape(n, 1280, 640));
  assert.deepEqual(got, ['1x1', '2x1', '2x2', '2x2', '3x2', '3x2', '3x3', '3x3', '3x3', '4x3']);
});

test('portrait phone: stacked up to three, then two columns', () => {
  assert.equal(shape(1, 374, 680), '1x1');
  assert.equal(shape(2, 374, 680), '1x2');
  assert.equal(shape(3, 374, 680), '1x3');
  assert.equal(shape(4, 374, 680), '2x2');
  assert.equal(shape(6, 374, 680), '2x3');
});

test('every tile has a cell', () => {
  for (let n = 1; n <= 30; n++) {
    for (const [w, h] of [[1280, 640], [374, 680], [800, 800], [2560, 1200]] as const) {
      const { cols, rows } = computeGrid(n, w, h);
      assert.ok(cols * rows >= n, `${n} tiles in ${cols}x${rows}`);
      assert.ok((cols - 1) * rows < n && cols * (rows - 1) < n, `${n} tiles in ${cols}x${rows} wastes a row or column`);
    }
  }
});

test('degenerate sizes do not throw', () => {
  assert.ok(computeGrid(3, 0, 0).cols >= 1);
  assert.ok(computeGrid(0, 100, 100).cols >= 1);
});

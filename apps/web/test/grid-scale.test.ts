import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logGridIndex } from '../lib/grid-scale.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('grid values map to their own index, on a grid that is not log-uniform', () => {
  const grid = [0.01, 0.02, 0.05, 0.1, 1];
  const index = logGridIndex(grid);
  for (const [i, v] of grid.entries()) close(index(v), i);
});

test('between two grid values the index is linear in log', () => {
  const index = logGridIndex([0.01, 0.1, 10]);
  close(index(Math.sqrt(0.01 * 0.1)), 0.5);
  // 1 is halfway between 0.1 and 10 in log.
  close(index(1), 1.5);
});

test('beyond the ends the first and last segments extend', () => {
  const index = logGridIndex([1, 10, 1000]);
  close(index(0.1), -1);
  close(index(10000), 2.5);
});

test('a single-value grid puts everything in its one column', () => {
  close(logGridIndex([0.3])(7), 0);
});

/**
 * Heavy cases, run only with SGDSCOPE_SLOW=1: the seed's full protocol size (24 windows of
 * T = 1000, t0 = 21000 as in seed 000 Fig. 2) through both MSD conventions, and the FFT-versus-direct
 * check at full window length.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyzeTrajectory,
  brownianWalk,
  chunkTrajectory,
  MsdCalculator,
  msdDirect,
  regimeChangeWalk,
} from '../src/diffusion/index.js';
import { createRng } from '../src/random.js';

const slow = process.env.SGDSCOPE_SLOW === '1';

test('seed-size regime change: 24 windows, t0 = 21000 under tamsd and eq3', { skip: !slow }, async () => {
  const walk = regimeChangeWalk(createRng(77), 128, { windows: 24, windowSize: 1000, changeWindow: 21 });
  const tamsd = await analyzeTrajectory(chunkTrajectory(walk, [999]));
  assert.equal(tamsd.windows.length, 24);
  assert.equal(tamsd.t0, 21000);
  const eq3 = await analyzeTrajectory(chunkTrajectory(walk, [999]), { convention: 'eq3' });
  assert.equal(eq3.windows.length, 23); // the window at tw = 23000 would need rows up to 24999
  assert.equal(eq3.t0, 21000);
});

test('FFT MSD equals the direct sum at T = 1000, d = 300 (1e-9 relative)', { skip: !slow }, () => {
  const walk = brownianWalk(createRng(3), 2000, 300);
  for (const convention of ['tamsd', 'eq3'] as const) {
    const rows = convention === 'tamsd' ? 1000 : 2000;
    const window = { rows, d: 300, data: walk.data.subarray(0, rows * 300) };
    const fast = new MsdCalculator(1000, convention).compute(window).value;
    const direct = msdDirect(window, convention, 1000).value;
    for (let i = 0; i < direct.length; i++) assert.ok(Math.abs(fast[i] - direct[i]) <= 1e-9 * direct[i]);
  }
});

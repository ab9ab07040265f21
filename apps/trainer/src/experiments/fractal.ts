/**
 * Experiment `fractal_landscape`: SGD walkers on 2-D fractal landscapes and their controls
 * (seed 000 §III.5 Eq. 10, Fig. 8; science-spec §2.1 and §5 items 8–10).
 */
import { createRng } from '@sgdscope/analysis';
import { z } from 'zod';
import type { RunRecorder } from '../recording/recorder.js';
import {
  coneHeights,
  diamondSquare,
  downsample,
  type Grid2D,
  hurstFromVariogram,
  paraboloidHeights,
  shuffledSmoothed,
} from '../toy/fractal-landscape.js';
import { LookupSurface, runWalker, type WalkerResult } from '../toy/fractal-walker.js';
import { codeVersion, TOY_BACKEND, yieldToEventLoop } from '../toy/provenance.js';
import type { ExperimentOutcome, ExperimentRunOptions } from './registry.js';

export const fractalConfigSchema = z
  .object({
    /** fractal: diamond-square; shuffled: its pixels permuted, blurred and ^0.7; cone: the repo's "paraboloid"; paraboloid: a true one. */
    landscape: z.enum(['fractal', 'shuffled', 'cone', 'paraboloid']).default('fractal'),
    levels: z.number().int().min(2).max(12).default(10),
    hurst: z.number().gt(0).max(2).default(1),
    amplitude: z.number().positive().default(3),
    eta: z.number().positive().default(0.02),
    sigma: z.number().nonnegative().default(0.01),
    noiseScaling: z.enum(['additive', 'eq10']).default('additive'),
    steps: z.number().int().positive().max(10_000_000).default(1000),
    repeats: z.number().int().positive().max(64).default(5),
    maxRedraws: z.number().int().nonnegative().default(500),
    lookupSpacing: z.number().positive().max(0.5).default(1e-3),
    shuffleBlurSigma: z.number().positive().default(8),
    shufflePower: z.number().positive().default(0.7),
    start: z.tuple([z.number().min(-1).max(1), z.number().min(-1).max(1)]).optional(),
    /** Nodes per side of the landscape grid stored for drawing. */
    landscapeArtifactSize: z.number().int().min(3).max(1025).default(129),
    /** Rows per trajectory chunk. */
    chunkRows: z.number().int().positive().default(1000),
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();

export type FractalConfig = z.infer<typeof fractalConfigSchema>;

/** Steps between progress reports / event-loop yields (well under a millisecond of walking). */
const PROGRESS_BLOCK = 500;

/** The height grid repeat r walks on: a fresh library member per repeat, like the repo's random landscape pick. */
export function buildLandscape(config: FractalConfig, repeat: number): Grid2D {
  const size = 2 ** config.levels + 1;
  const memberSeed = (config.seed * 1_000_003 + repeat * 7919 + 17) >>> 0;
  switch (config.landscape) {
    case 'cone':
      return coneHeights(size);
    case 'paraboloid':
      return paraboloidHeights(size);
    case 'fractal':
    case 'shuffled': {
      const heights = diamondSquare({
        levels: config.levels,
        hurst: config.hurst,
        seed: memberSeed,
        initialAmplitude: config.amplitude,
      });
      return config.landscape === 'fractal'
        ? heights
        : shuffledSmoothed(heights, memberSeed ^ 0x5bd1e995, config.shuffleBlurSigma, config.shufflePower);
    }
  }
}

/**
 * Runs `repeats` walkers, each on its own landscape. Recording layout:
 * - trajectory rows t = 0..steps hold (x_0, y_0, x_1, y_1, ...) for repeats 0..R-1 (d = 2R), so the
 *   per-parameter MSD is the ensemble mean over repeats;
 * - step series `loss` (mean over repeats) and `loss_r{r}`;
 * - artifacts `gradients` [R, steps, 2], `landscape_r{r}` (downsampled height grid, for drawing).
 */
export async function runFractalExperiment(
  config: FractalConfig,
  recorder: RunRecorder,
  options: ExperimentRunOptions = {},
): Promise<ExperimentOutcome> {
  await recorder.start({
    kind: 'fractal_landscape',
    config: config as Record<string, unknown>,
    backend: TOY_BACKEND,
    codeVersion: codeVersion(),
    parameterCount: 2 * config.repeats,
  });
  const R = config.repeats;
  const totalSteps = R * config.steps;
  const results: WalkerResult[] = [];
  const landscapeStats: Record<string, unknown>[] = [];
  let canceled = false;
  for (let r = 0; r < R && !canceled; r++) {
    const heights = buildLandscape(config, r);
    const surface = new LookupSurface(heights, config.lookupSpacing);
    const rng = createRng((config.seed * 2_654_435_761 + r + 1) >>> 0);
    const walk = await runWalker(
      surface,
      {
        steps: config.steps,
        eta: config.eta,
        sigma: config.sigma,
        noiseScaling: config.noiseScaling,
        maxRedraws: config.maxRedraws,
        start: config.start,
      },
      rng,
      async (step, loss) => {
        options.onProgress?.({
          step: r * config.steps + step,
          totalSteps,
          loss,
          message: `repeat ${r + 1}/${R}`,
        });
        await yieldToEventLoop();
        canceled = options.signal?.aborted === true;
        return !canceled;
      },
      PROGRESS_BLOCK,
    );
    options.onProgress?.({
      step: r * config.steps + walk.loss.length - 1,
      totalSteps,
      loss: walk.loss[walk.loss.length - 1],
      message: `repeat ${r + 1}/${R}`,
    });
    results.push(walk);
    const drawn = downsample(heights, config.landscapeArtifactSize);
    await recorder.writeArtifact({
      name: `landscape_r${r}`,
      step: 0,
      shape: [drawn.size, drawn.size],
      data: Float32Array.from(drawn.values, (v) => 10 - v),
      meta: {
        quantity: 'loss L = 10 - z',
        extent: [-1, 1, -1, 1],
        layout: 'row-major, row = y index, col = x index',
        landscape: config.landscape,
      },
    });
    const roughness = config.landscape === 'fractal' ? hurstFromVariogram(heights).hurst : null;
    landscapeStats.push({
      repeat: r,
      variogramHurst: roughness,
      // Surface dimension 3 - H and profile dimension 2 - H from the variogram slope (science-spec §5.9).
      surfaceDimension: roughness === null ? null : 3 - roughness,
      profileDimension: roughness === null ? null : 2 - roughness,
      redrawnSteps: walk.redrawnSteps,
      clampedSteps: walk.clampedSteps,
      finalPosition: [walk.positions[walk.positions.length - 2], walk.positions[walk.positions.length - 1]],
      finalLoss: walk.loss[walk.loss.length - 1],
    });
  }
  // Repeats stopped by cancellation are cut to the shortest one so every trajectory row is complete.
  const rows = Math.min(...results.map((w) => w.loss.length));
  await writeTrajectory(recorder, results, rows, config.chunkRows);
  const series: Record<string, Float64Array> = {};
  const meanLoss = new Float64Array(rows);
  results.forEach((w, r) => {
    series[`loss_r${r}`] = Float64Array.from(w.loss.subarray(0, rows));
    for (let t = 0; t < rows; t++) meanLoss[t] += w.loss[t] / results.length;
  });
  series.loss = meanLoss;
  await recorder.logSteps({ fromStep: 0, series });
  const steps = rows - 1;
  const gradients = new Float64Array(results.length * steps * 2);
  results.forEach((w, r) => {
    gradients.set(w.gradients.subarray(0, steps * 2), r * steps * 2);
  });
  await recorder.writeArtifact({
    name: 'gradients',
    step: steps,
    shape: [results.length, steps, 2],
    data: gradients,
    meta: { quantity: 'dL/dx, dL/dy driving each step (both components, unlike the repo)' },
  });
  const summary = {
    kind: 'fractal_landscape',
    repeatsCompleted: canceled ? results.length - 1 : results.length,
    stepsRecorded: steps,
    trajectoryLayout: 'row t = step t; columns (x_r, y_r) for repeat r = 0..R-1',
    noise:
      config.noiseScaling === 'additive'
        ? 'x - eta grad + sigma g (repo code)'
        : 'x - eta grad + eta sigma g (Eq. 10)',
    repeats: landscapeStats,
  };
  const status = canceled ? 'canceled' : 'finished';
  await recorder.finish(status, summary);
  return { status, summary };
}

async function writeTrajectory(
  recorder: RunRecorder,
  walks: readonly WalkerResult[],
  rows: number,
  chunkRows: number,
): Promise<void> {
  const d = 2 * walks.length;
  let seq = 0;
  for (let from = 0; from < rows; from += chunkRows) {
    const n = Math.min(chunkRows, rows - from);
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      walks.forEach((w, r) => {
        data[i * d + 2 * r] = w.positions[2 * (from + i)];
        data[i * d + 2 * r + 1] = w.positions[2 * (from + i) + 1];
      });
    }
    await recorder.writeTrajectoryChunk({ seq: seq++, fromStep: from, rows: n, d, dtype: 'float32', data });
  }
}

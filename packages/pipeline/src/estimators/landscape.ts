/**
 * Estimator `landscape`: fractal measures of the trainer's 2-D filter-normalised loss surface (artifact
 * `landscape2d`, shape [rows, cols], losses row-major; seed 000 §"fractal landscape"; science-spec §1.10 and §5
 * item 12), exactly what `sgdscope analyze landscape` computes (landscapeGridMeasures of @sgdscope/analysis):
 * the DBC dimension of the surface, the box-counting dimension of its median level set, the variation-method
 * surface dimension, and 2H from the MSL of a seeded sample of grid nodes. Window = index of the artifact in
 * step order (its step is the curve's tw and in details).
 * landscape-2: the MSL exponent and H keep their OLS error but no interval (see MSL_UNCERTAINTY in msl.ts).
 */
import type { AnalysisCurveInput } from '@sgdscope/db/repo/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import type { JsonObject, RunRecord } from '@sgdscope/db/repo/types';
import { computeLandscapeGridMeasures } from '../compute/pool.js';
import { MissingDataError, PipelineParamsError } from '../errors.js';
import { intParam, rejectUnknownKeys } from '../params.js';
import type { Estimator, EstimatorOutput } from '../registry.js';
import { MSL_UNCERTAINTY } from './msl.js';
import { requireArtifacts, ScalarList } from './shared.js';

const NAME = 'landscape';
const ARTIFACT = 'landscape2d';

function resolveParams(raw: Readonly<Record<string, unknown>>): JsonObject {
  rejectUnknownKeys(NAME, raw, ['boxMin', 'boxMax', 'mslPoints', 'seed']);
  // The CLI's defaults: box sides 2..25 cells (spec §1.10), 1000 random nodes (the seed's script), seed 1.
  const boxMin = intParam(NAME, raw, 'boxMin', 2, 1, 10_000);
  const boxMax = intParam(NAME, raw, 'boxMax', 25, 1, 10_000);
  if (boxMax < boxMin) throw new PipelineParamsError(`${NAME}: boxMax ${boxMax} is below boxMin ${boxMin}`);
  return {
    boxMin,
    boxMax,
    mslPoints: intParam(NAME, raw, 'mslPoints', 1000, 2, 20_000),
    seed: intParam(NAME, raw, 'seed', 1, 0, 2 ** 32 - 1),
  };
}

/** Grid spacing in the projection's coordinates, from the trainer's meta.xs (null when not recorded). */
function cellSize(meta: JsonObject | null): number | null {
  const xs = meta?.xs;
  if (!Array.isArray(xs) || xs.length < 2) return null;
  const [a, b] = xs;
  return typeof a === 'number' && typeof b === 'number' && b !== a ? Math.abs(b - a) : null;
}

async function run(deps: RepoDeps, runRecord: RunRecord, params: JsonObject): Promise<EstimatorOutput> {
  const artifacts = await requireArtifacts(deps, runRecord, ARTIFACT);
  const scalars = new ScalarList();
  const curves: AnalysisCurveInput[] = [];
  const surfaces: JsonObject[] = [];
  for (const [index, artifact] of artifacts.entries()) {
    if (artifact.shape.length !== 2) {
      throw new MissingDataError(
        `run ${runRecord.id}: ${ARTIFACT} at step ${artifact.step} has shape [${artifact.shape.join(', ')}], not a 2-D grid`,
      );
    }
    const [rows, cols] = artifact.shape;
    const { box, msl } = await computeLandscapeGridMeasures(
      { rows, cols, data: Float64Array.from(artifact.data) },
      {
        boxMin: params.boxMin as number,
        boxMax: params.boxMax as number,
        mslPoints: params.mslPoints as number,
        seed: params.seed as number,
      },
    );
    scalars.add('boxCountingSurface', index, box.boxCountingSurface);
    scalars.add('boxCountingLevelSet', index, box.boxCountingLevelSet);
    scalars.add('variationSurface', index, box.variationSurface);
    scalars.addEstimate('mslExponent', index, msl.exponent, msl.exponentStdErr, null);
    scalars.addEstimate('H', index, msl.H, msl.exponentStdErr / 2, null);
    curves.push({
      name: 'landscapeMsl',
      window: index,
      tw: artifact.step,
      x: msl.curve.x,
      y: msl.curve.y,
      meta: { distance: 'grid cells', cellSize: cellSize(artifact.meta) },
    });
    surfaces.push({
      window: index,
      step: artifact.step,
      shape: [rows, cols],
      cellSize: cellSize(artifact.meta),
      boxSizes: box.boxSizes,
      surfaceCounts: box.surfaceCounts,
      levelSetCounts: box.levelSetCounts,
      mslNodes: msl.nodes,
      mslPairs: msl.pairs,
      mslMinPairsPerBin: msl.minPairsPerBin,
    });
  }
  return {
    scalars: scalars.items,
    curves,
    details: {
      uncertainty: { method: 'ols', note: MSL_UNCERTAINTY },
      artifact: ARTIFACT,
      method:
        'landscapeGridMeasures (= sgdscope analyze landscape): DBC surface dimension, median level-set box counting, variation method, grid-node MSL (distances in grid cells)',
      surfaces,
    },
  };
}

export const landscapeEstimator: Estimator = {
  name: NAME,
  version: 'landscape-2',
  kinds: ['network'],
  description:
    'Box-counting dimensions (surface, median level set, variation) and MSL 2H of the 2-D loss surface (seed 000 §1.10).',
  resolveParams,
  run,
};

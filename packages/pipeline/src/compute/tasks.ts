/**
 * The long synchronous computations of the estimators, as plain functions of structured-cloneable data, so the
 * same code runs on the main thread or in the compute worker (worker.ts) with bit-identical results.
 */
import {
  fitStable,
  RandomProjection,
  type RowChunk,
  type StableFitResult,
  stableDensity,
  stableHistogram,
} from '@sgdscope/analysis';

/** Parameters of one stable fit and its histogram (the keys of StableFitParams that the computation reads). */
export interface StableWindowParams {
  readonly method: 'koutrouvelis' | 'mcculloch';
  readonly resamples: number;
  readonly level: number;
  readonly seed: number;
  readonly bins: number;
}

/** A stable fit with its histogram (bin centres, empirical density) and the fitted density at each centre. */
export interface StableWindowParts {
  readonly fit: StableFitResult;
  readonly centers: ArrayLike<number>;
  readonly empirical: ArrayLike<number>;
  readonly stable: number[];
}

/** fitStable (with bootstrap CI), its histogram and the fitted stable density at the bin centres. */
export function stableWindowParts(data: ArrayLike<number>, params: StableWindowParams): StableWindowParts {
  const fit = fitStable(data, {
    method: params.method,
    bootstrap: { resamples: params.resamples, level: params.level, seed: params.seed },
  });
  const p = { alpha: fit.alpha, beta: fit.beta, scale: fit.scale, loc: fit.loc };
  const hist = stableHistogram(data, p, { bins: params.bins });
  return {
    fit,
    centers: hist.centers,
    empirical: hist.empirical,
    stable: Array.from(hist.centers, (v) => stableDensity(v, p)),
  };
}

/** What identifies a random projection: building one for a 79,510-wide input takes seconds, so keep the last few. */
export interface ProjectionKey {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly seed: number;
}

const PROJECTIONS_KEPT = 2;

/** Builds projections on demand and keeps the most recently used ones (the matrix is a pure function of the key). */
export class ProjectionCache {
  private readonly kept = new Map<string, RandomProjection>();

  get(key: ProjectionKey): RandomProjection {
    const id = `${key.inputDim}:${key.outputDim}:${key.seed}`;
    let p = this.kept.get(id);
    if (p) {
      this.kept.delete(id);
    } else {
      p = new RandomProjection({ inputDim: key.inputDim, outputDim: key.outputDim, seed: key.seed });
      if (this.kept.size >= PROJECTIONS_KEPT) this.kept.delete(this.kept.keys().next().value as string);
    }
    this.kept.set(id, p);
    return p;
  }

  project(key: ProjectionKey, chunk: RowChunk): RowChunk {
    return this.get(key).projectChunk(chunk);
  }
}

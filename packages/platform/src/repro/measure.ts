/**
 * Measures every number of the reproduction report from the platform, through GraphQL only: `analyzeRun` with
 * the parameters each section states (cached by parameter hash, so the worker's own default analyses are reused),
 * `escapeRateFit` and `phaseDiagram` on the sweeps, and run summaries. Where the API has no query for a derived
 * quantity (seed-to-seed spread, the search-time peak and critical exponents, SGLD's log-log sharpness slope) it
 * is computed here from the returned values with @sgdscope/analysis, and the result says so.
 */
import { fitCriticalExponent, fitLine, peakLocation } from '@sgdscope/analysis';
import type { GraphQLClient } from './graphql-client.js';
import type { SubmittedItem } from './submit.js';

export interface Scalar {
  readonly name: string;
  readonly window: number;
  readonly value: number;
  readonly stdErr: number | null;
  readonly ciLower: number | null;
  readonly ciUpper: number | null;
}

export interface Curve {
  readonly name: string;
  readonly window: number;
  readonly tw: number | null;
  readonly x: (number | null)[];
  readonly y: (number | null)[];
}

export interface Analysis {
  readonly id: string;
  readonly estimator: string;
  readonly estimatorVersion: string;
  readonly params: Record<string, unknown>;
  readonly details: Record<string, unknown> | null;
  readonly scalars: Scalar[];
  readonly curves: Curve[];
}

export interface RunRef {
  readonly id: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly summary: Record<string, unknown> | null;
}

export interface DiffusionWindow {
  readonly window: number;
  readonly tw: number | null;
  readonly alpha: number | null;
  readonly alphaStdErr: number | null;
  readonly rmse: number | null;
  readonly tau0: number | null;
  readonly alphaShort: number | null;
  readonly alphaLong: number | null;
  /** First lag from which the log-derivative beta(tau) stays above 1 (null: never). */
  readonly betaAbove1From: number | null;
}

export interface Spread {
  readonly mean: number;
  readonly sd: number;
  readonly n: number;
}

export interface EscapeFitResult {
  readonly sweep: string;
  readonly against: string;
  readonly slope: number | null;
  readonly slopeCiLower: number | null;
  readonly slopeCiUpper: number | null;
  readonly pearsonR: number | null;
  readonly reducedChiSquare: number | null;
  readonly note: string | null;
  readonly points: {
    control: number;
    x: number;
    negLogRate: number;
    rate: number;
    ciLower: number;
    ciUpper: number;
    n: number;
    escaped: number;
  }[];
}

export interface ReproResults {
  readonly measuredAt: string;
  readonly projectId: string;
  readonly runs: Record<string, RunRef>;
  /** Sweep name to id. */
  readonly sweeps: Record<string, string>;
  readonly diffusion: {
    readonly runId: string;
    readonly params: Record<string, unknown>;
    readonly version: string;
    readonly windows: DiffusionWindow[];
    readonly t0: number | null;
    /** The eq3 convention on replicate seed 6 (not the main run, whose page then shows the default tamsd MSD). */
    readonly eq3: {
      readonly runId: string;
      readonly windows: DiffusionWindow[];
      readonly t0: number | null;
      readonly version: string;
    };
    readonly replicates: {
      readonly runIds: string[];
      readonly perWindow: {
        window: number;
        alpha: Spread | null;
        tau0: Spread | null;
        alphaShort: Spread | null;
        alphaLong: Spread | null;
      }[];
      readonly t0: (number | null)[];
    };
  };
  readonly gradients: {
    readonly version: string;
    readonly params: Record<string, unknown>;
    readonly perRun: {
      runId: string;
      name: string;
      windows: {
        window: number;
        alphaDist: number | null;
        ciLower: number | null;
        ciUpper: number | null;
        beta: number | null;
        vuongZ: number | null;
        zeroFraction: number | null;
      }[];
    }[];
  };
  readonly geometry: {
    readonly version: string;
    readonly params: Record<string, unknown>;
    readonly windows: {
      window: number;
      Df: number | null;
      lambda: number | null;
      lambdaStdErr: number | null;
    }[];
    readonly details: Record<string, unknown> | null;
  };
  readonly msl: {
    readonly version: string;
    readonly params: Record<string, unknown>;
    readonly windows: { window: number; twoH: number | null; stdErr: number | null }[];
  };
  readonly landscape: {
    readonly version: string;
    readonly scalars: Scalar[];
    readonly details: unknown;
  } | null;
  readonly hessian: { readonly version: string; readonly byStep: { step: number; top: number[] }[] } | null;
  readonly network: { readonly runId: string; readonly summary: Record<string, unknown> | null };
  readonly resnet: { readonly runId: string; readonly summary: Record<string, unknown> | null } | null;
  readonly toys: {
    readonly version: string;
    readonly params: Record<string, unknown>;
    readonly runs: {
      runId: string;
      sweep: string;
      landscape: string;
      eta: number;
      alpha: Spread;
      alphaEarly: Spread | null;
      alphaDist: number | null;
      alphaDistCi: [number | null, number | null];
      vuongZ: number | null;
      walkers: number;
    }[];
  };
  readonly escape: EscapeFitResult[];
  /** SGLD: slope of log gamma against log k over k <= 2 (Thm 3.1 predicts 1: gamma proportional to k). */
  readonly sgldLogLogSlope: { slope: number; stdErr: number; n: number } | null;
  readonly phase: {
    readonly sweepId: string;
    readonly cells: {
      eta: number;
      noise: number;
      phase: string;
      n: number;
      countI: number;
      countII: number;
      countIII: number;
    }[];
    readonly boundaries: { between: string; eta: number; noise: number; ciLower: number; ciUpper: number }[];
    readonly deltaC: number | null;
    readonly deltaCLower: number | null;
    readonly deltaCUpper: number | null;
    readonly boundarySlope: number | null;
    readonly note: string | null;
  };
  readonly critical: {
    readonly runId: string;
    readonly version: string;
    readonly deltaCAtPeak: number;
    readonly searchTime: { delta: number; searchTime: number; finalAbsX: number; phase: number }[];
    readonly fits: {
      label: string;
      exponent: number;
      stdErr: number;
      ciLower: number;
      ciUpper: number;
      n: number;
    }[];
  };
}

const ANALYSIS_FIELDS = `id estimator estimatorVersion params details
  scalars { name window value stdErr ciLower ciUpper }`;

async function analyze(
  client: GraphQLClient,
  runId: string,
  estimator: string,
  params: Record<string, unknown>,
  curveNames: string[] = [],
): Promise<Analysis> {
  const { analyzeRun } = await client.request<{
    analyzeRun: Analysis & { status: string; error: string | null };
  }>(
    `mutation($id: ID!, $e: String!, $p: JSON, $c: [String!]) { analyzeRun(runId: $id, estimator: $e, params: $p) {
      ${ANALYSIS_FIELDS} status error curves(names: $c) { name window tw x y } } }`,
    { id: runId, e: estimator, p: params, c: curveNames },
  );
  if (analyzeRun.status !== 'DONE')
    throw new Error(`${estimator} on run ${runId}: ${analyzeRun.status} ${analyzeRun.error ?? ''}`);
  return analyzeRun;
}

function scalar(a: Analysis, name: string, window: number): Scalar | undefined {
  return a.scalars.find((s) => s.name === name && s.window === window);
}

function value(a: Analysis, name: string, window: number): number | null {
  const v = scalar(a, name, window)?.value;
  return v === undefined || !Number.isFinite(v) ? null : v;
}

function windowsOf(a: Analysis, name: string): number[] {
  return [...new Set(a.scalars.filter((s) => s.name === name && s.window >= 0).map((s) => s.window))].sort(
    (x, y) => x - y,
  );
}

/** First lag from which beta stays above 1 to the end of the curve. */
function betaAbove1From(curve: Curve | undefined): number | null {
  if (!curve) return null;
  let from: number | null = null;
  for (let i = 0; i < curve.x.length; i++) {
    const b = curve.y[i];
    if (b !== null && b > 1) from ??= curve.x[i];
    else from = null;
  }
  return from;
}

function diffusionWindows(a: Analysis): DiffusionWindow[] {
  return windowsOf(a, 'alpha').map((w) => ({
    window: w,
    tw: a.curves.find((c) => c.name === 'msd' && c.window === w)?.tw ?? null,
    alpha: value(a, 'alpha', w),
    alphaStdErr: scalar(a, 'alpha', w)?.stdErr ?? null,
    rmse: value(a, 'rmse', w),
    tau0: value(a, 'tau0', w),
    alphaShort: value(a, 'alphaShort', w),
    alphaLong: value(a, 'alphaLong', w),
    betaAbove1From: betaAbove1From(a.curves.find((c) => c.name === 'beta' && c.window === w)),
  }));
}

/** The hessian estimator stores one curve per eigenvalue index k (x = step, y = lambda_k): regroup by step. */
function hessianSteps(curves: readonly Curve[]): { step: number; top: number[] }[] {
  const byStep = new Map<number, number[]>();
  for (const c of [...curves].sort((a, b) => a.window - b.window)) {
    c.x.forEach((step, i) => {
      const y = c.y[i];
      if (step === null || y === null) return;
      const list = byStep.get(step) ?? [];
      list.push(y);
      byStep.set(step, list);
    });
  }
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, top]) => ({ step, top }));
}

function spread(values: number[]): Spread {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

function finite(values: (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v));
}

async function runRef(client: GraphQLClient, id: string): Promise<RunRef> {
  const { run } = await client.request<{ run: RunRef }>(
    'query($id: ID!) { run(id: $id) { id name config summary } }',
    { id },
  );
  return run;
}

function itemOf(items: readonly SubmittedItem[], name: string): SubmittedItem {
  const item = items.find((i) => i.planned.name === name);
  if (!item) throw new Error(`the reproduction project has no ${name}`);
  return item;
}

const ESCAPE_AXES: Record<string, string> = {
  'escape-batch': 'BATCH_SIZE',
  'escape-lr': 'INV_LR',
  'escape-sharpness': 'INV_SHARPNESS',
  'escape-sgld': 'INV_DIFFUSION',
  'escape-sgld-sharpness': 'INV_SHARPNESS',
};

/** Parameters of the report's analyses (stated in docs/reproduction.md). */
export const REPORT_PARAMS = {
  diffusion: {},
  diffusionEq3: { convention: 'eq3' },
  gradients: {},
  geometry: { sketchDim: 256 },
  msl: { sketchDim: 256 },
  toyWalk: { earlySteps: 144 },
} as const;

export async function measureAll(
  client: GraphQLClient,
  projectId: string,
  items: readonly SubmittedItem[],
  log: (line: string) => void,
): Promise<ReproResults> {
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    log(`measured ${what} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    return out;
  };
  const runs: Record<string, RunRef> = {};
  for (const item of items) for (const id of item.runIds) runs[id] = await runRef(client, id);

  // §1 diffusion: the 20,000-step MNIST MLP and its two 5000-step replicates.
  const mainId = itemOf(items, 'mnist-mlp').runIds[0];
  const replicateIds = [...itemOf(items, 'mnist-mlp-replicates').runIds];
  const main = await timed('diffusion (main run)', () =>
    analyze(client, mainId, 'diffusion', REPORT_PARAMS.diffusion, ['msd', 'beta']),
  );
  const reps = [main];
  for (const id of replicateIds)
    reps.push(
      await timed(`diffusion (replicate ${runs[id].name})`, () =>
        analyze(client, id, 'diffusion', {}, ['msd']),
      ),
    );
  // eq3 after the default: the run page shows each estimator's newest result.
  const eq3Id = replicateIds[replicateIds.length - 1] ?? mainId;
  const eq3 = await timed(`diffusion eq3 (${runs[eq3Id].name})`, () =>
    analyze(client, eq3Id, 'diffusion', REPORT_PARAMS.diffusionEq3, ['msd', 'beta']),
  );
  const repWindows = windowsOf(reps[1] ?? main, 'alpha');
  const perWindow = repWindows.map((w) => {
    // Null where no replicate has the value (an estimator may leave a window's quantity out, e.g. alphaLong).
    const of = (name: string) => {
      const values = finite(reps.map((a) => value(a, name, w)));
      return values.length > 0 ? spread(values) : null;
    };
    return {
      window: w,
      alpha: of('alpha'),
      tau0: of('tau0'),
      alphaShort: of('alphaShort'),
      alphaLong: of('alphaLong'),
    };
  });

  // §2 gradients.
  const gradients = [];
  let gradVersion = '';
  for (const id of [mainId, ...replicateIds]) {
    const a = await timed(`gradient-stable (${runs[id].name})`, () =>
      analyze(client, id, 'gradient-stable', REPORT_PARAMS.gradients),
    );
    gradVersion = a.estimatorVersion;
    gradients.push({
      runId: id,
      name: runs[id].name,
      windows: windowsOf(a, 'alphaDist').map((w) => {
        const s = scalar(a, 'alphaDist', w);
        return {
          window: w,
          alphaDist: s?.value ?? null,
          ciLower: s?.ciLower ?? null,
          ciUpper: s?.ciUpper ?? null,
          beta: value(a, 'stableBeta', w),
          vuongZ: value(a, 'vuongZ', w),
          zeroFraction: value(a, 'gradZeroFraction', w),
        };
      }),
    });
  }

  // §3 geometry, MSL, landscape, Hessian.
  const geometry = await timed('geometry (main run, JL sketch 256)', () =>
    analyze(client, mainId, 'geometry', REPORT_PARAMS.geometry),
  );
  const msl = await timed('msl (main run, JL sketch 256)', () =>
    analyze(client, mainId, 'msl', REPORT_PARAMS.msl),
  );
  const landscape = await timed('landscape (main run)', () => analyze(client, mainId, 'landscape', {})).catch(
    (error: unknown) => {
      log(`landscape: ${(error as Error).message}`);
      return null;
    },
  );
  const hessian = await timed('hessian (main run)', () =>
    analyze(client, mainId, 'hessian', {}, ['hessianEig']),
  ).catch((error: unknown) => {
    log(`hessian: ${(error as Error).message}`);
    return null;
  });

  // §4 toys.
  const toyRuns = [];
  let toyVersion = '';
  for (const sweepName of ['fractal-toy', 'fractal-toy-small-eta']) {
    // By run name (landscape), so the table's rows keep one order from run to run (creation order ties).
    const ids = [...itemOf(items, sweepName).runIds].sort((x, y) => runs[x].name.localeCompare(runs[y].name));
    for (const id of ids) {
      const a = await timed(`toy-walk (${runs[id].name})`, () =>
        analyze(client, id, 'toy-walk', REPORT_PARAMS.toyWalk),
      );
      toyVersion = a.estimatorVersion;
      const walkers = windowsOf(a, 'alpha');
      const early = finite(walkers.map((w) => value(a, 'alphaEarly', w)));
      const pooled = scalar(a, 'alphaDist', -1);
      toyRuns.push({
        runId: id,
        sweep: sweepName,
        landscape: String(runs[id].config.landscape),
        eta: Number(runs[id].config.eta),
        alpha: spread(finite(walkers.map((w) => value(a, 'alpha', w)))),
        alphaEarly: early.length > 0 ? spread(early) : null,
        alphaDist: pooled?.value ?? null,
        alphaDistCi: [pooled?.ciLower ?? null, pooled?.ciUpper ?? null] as [number | null, number | null],
        vuongZ: value(a, 'vuongZ', -1),
        walkers: walkers.length,
      });
    }
  }

  // §5 escape laws.
  const escapeFits: EscapeFitResult[] = [];
  for (const [sweep, against] of Object.entries(ESCAPE_AXES)) {
    const sweepId = itemOf(items, sweep).sweepId as string;
    const { escapeRateFit } = await timed(`escapeRateFit ${sweep} vs ${against}`, () =>
      client.request<{ escapeRateFit: Omit<EscapeFitResult, 'sweep'> }>(
        `query($s: ID!, $a: EscapeControl!) { escapeRateFit(sweepId: $s, against: $a) { against slope slopeCiLower
          slopeCiUpper pearsonR reducedChiSquare note points { control x negLogRate rate ciLower ciUpper n escaped } } }`,
        { s: sweepId, a: against },
      ),
    );
    escapeFits.push({ sweep, ...escapeRateFit });
  }
  const sgldK =
    escapeFits.find((e) => e.sweep === 'escape-sgld-sharpness')?.points.filter((p) => p.control <= 2) ?? [];
  let sgldLogLogSlope: ReproResults['sgldLogLogSlope'] = null;
  if (sgldK.length >= 3) {
    const fit = fitLine(
      sgldK.map((p) => Math.log(p.control)),
      sgldK.map((p) => Math.log(p.rate)),
    );
    sgldLogLogSlope = { slope: fit.slope, stdErr: fit.slopeStdErr, n: sgldK.length };
  }

  // §6 phase diagram and the critical region.
  const phaseSweepId = itemOf(items, 'valley-phase').sweepId as string;
  const { phaseDiagram } = await timed('phaseDiagram valley-phase', () =>
    client.request<{ phaseDiagram: Omit<ReproResults['phase'], 'sweepId'> }>(
      `query($s: ID!) { phaseDiagram(sweepId: $s) { cells { eta noise phase n countI countII countIII }
        boundaries { between eta noise ciLower ciUpper } deltaC deltaCLower deltaCUpper boundarySlope note } }`,
      { s: phaseSweepId },
    ),
  );
  const criticalId = itemOf(items, 'valley-critical').runIds[0];
  const phaseA = await timed('phase (valley-critical)', () => analyze(client, criticalId, 'phase', {}));
  const config = runs[criticalId].config;
  const etas = config.etas as number[];
  const shifts = config.shiftVariances as number[];
  const cells = windowsOf(phaseA, 'phase').map((i) => ({
    delta: etas[Math.floor(i / shifts.length)] * shifts[i % shifts.length],
    searchTime: value(phaseA, 'searchTime', i) ?? Number.NaN,
    finalAbsX: value(phaseA, 'finalAbsX', i) ?? Number.NaN,
    phase: value(phaseA, 'phase', i) ?? Number.NaN,
  }));
  const usable = cells.filter((c) => Number.isFinite(c.searchTime) && Number.isFinite(c.finalAbsX));
  const delta = usable.map((c) => c.delta);
  const deltaCAtPeak = peakLocation(
    delta,
    usable.map((c) => c.searchTime),
  );
  const fits: ReproResults['critical']['fits'] = [];
  const tryFit = (label: string, y: number[], side: 'below' | 'above') => {
    try {
      const f = fitCriticalExponent(delta, y, deltaCAtPeak, side);
      fits.push({
        label,
        exponent: f.exponent,
        stdErr: f.stdErr,
        ciLower: f.ci.lower,
        ciUpper: f.ci.upper,
        n: f.n,
      });
    } catch (error) {
      log(`critical fit ${label}: ${(error as Error).message}`);
    }
  };
  tryFit(
    'searchTime below',
    usable.map((c) => c.searchTime),
    'below',
  );
  tryFit(
    'searchTime above',
    usable.map((c) => c.searchTime),
    'above',
  );
  tryFit(
    'finalAbsX^2 above',
    usable.map((c) => c.finalAbsX ** 2),
    'above',
  );

  const hessianCurve = hessian?.curves.filter((c) => c.name === 'hessianEig') ?? [];
  const resnetItem = items.find((i) => i.planned.name === 'resnet14-step-cost');
  return {
    measuredAt: new Date().toISOString(),
    projectId,
    runs,
    sweeps: Object.fromEntries(
      items.filter((i) => i.sweepId).map((i) => [i.planned.name, i.sweepId as string]),
    ),
    diffusion: {
      runId: mainId,
      params: main.params,
      version: main.estimatorVersion,
      windows: diffusionWindows(main),
      t0: value(main, 't0', -1),
      eq3: {
        runId: eq3Id,
        windows: diffusionWindows(eq3),
        t0: value(eq3, 't0', -1),
        version: eq3.estimatorVersion,
      },
      replicates: {
        runIds: [mainId, ...replicateIds],
        perWindow,
        t0: reps.map((a) => value(a, 't0', -1)),
      },
    },
    gradients: { version: gradVersion, params: REPORT_PARAMS.gradients, perRun: gradients },
    geometry: {
      version: geometry.estimatorVersion,
      params: geometry.params,
      details: geometry.details,
      windows: windowsOf(geometry, 'Df').map((w) => ({
        window: w,
        Df: value(geometry, 'Df', w),
        lambda: value(geometry, 'lambda', w),
        lambdaStdErr: scalar(geometry, 'lambda', w)?.stdErr ?? null,
      })),
    },
    msl: {
      version: msl.estimatorVersion,
      params: msl.params,
      windows: windowsOf(msl, 'mslExponent').map((w) => ({
        window: w,
        twoH: value(msl, 'mslExponent', w),
        stdErr: scalar(msl, 'mslExponent', w)?.stdErr ?? null,
      })),
    },
    landscape: landscape
      ? { version: landscape.estimatorVersion, scalars: landscape.scalars, details: landscape.details }
      : null,
    hessian: hessian
      ? {
          version: hessian.estimatorVersion,
          byStep: hessianSteps(hessianCurve),
        }
      : null,
    network: { runId: mainId, summary: runs[mainId].summary },
    resnet: resnetItem ? { runId: resnetItem.runIds[0], summary: runs[resnetItem.runIds[0]].summary } : null,
    toys: { version: toyVersion, params: REPORT_PARAMS.toyWalk, runs: toyRuns },
    escape: escapeFits,
    sgldLogLogSlope,
    phase: { sweepId: phaseSweepId, ...phaseDiagram },
    critical: {
      runId: criticalId,
      version: phaseA.estimatorVersion,
      deltaCAtPeak,
      searchTime: cells.map((c) => ({ ...c })),
      fits,
    },
  };
}

/**
 * `sgdscope analyze ...`: compute sgdscope metrics from NumPy .npy files.
 *
 *   analyze trajectory W.npy [--loss L.npy]   windowed MSD/alpha/tau0/beta (seed 000 §3), t0, Df and MSL per window
 *   analyze stable X.npy                      Lévy alpha-stable fit with bootstrap CI and Vuong test (science-spec §3.3)
 *   analyze escape T.npy                      escape rate from first-passage times (seed 001; science-spec §3.2)
 *   analyze landscape G.npy                   box-counting dimensions and MSL of a 2-D loss grid (spec §1.10, §5.12)
 *
 * Input problems (bad dtype, Fortran order, NaN, too few rows) end with one line on stderr naming the problem
 * and exit status 2; other failures exit 1.
 */
import {
  AnalysisInputError,
  analyzeWindow,
  type ExponentUncertainty,
  escapeRate,
  type FractalDimensionResult,
  fitStable,
  fractalDimension,
  type Interval,
  landscapeGridMeasures,
  lossJumpStatistics,
  type MeanSquaredLossResult,
  meanSquaredLoss,
  movingVariance,
  RandomProjection,
  type RowChunk,
  sampleStandardDeviation,
  streamWindows,
  transverseExcursion,
  type WindowDiffusion,
  WindowGeometry,
  windowSpan,
} from '@sgdscope/analysis';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { matrixShape, readNpyArray, readNpyHeader, streamNpyRows } from '../io/npy-file.js';

/** Exit status for input the metrics cannot be computed from. */
const EXIT_BAD_INPUT = 2;

/** `sgdscope analyze ...`: compute metrics from NumPy files and print JSON or a table. */
export function registerAnalyzeCommand(program: Command): void {
  const analyze = program
    .command('analyze')
    .description('Analyze .npy files (trajectory, stable, escape, landscape); print a table or --json')
    .showHelpAfterError();
  registerTrajectory(analyze);
  registerStable(analyze);
  registerEscape(analyze);
  registerLandscape(analyze);
}

// ---------------------------------------------------------------------------------------------------------
// trajectory

interface TrajectoryOptions {
  loss?: string;
  dfRange?: FitRange;
  dfGroup: 'lag' | 'contour';
  mslRange?: FitRange;
  window: number;
  stride?: number;
  convention: 'tamsd' | 'eq3';
  dtau: number;
  rmseThreshold: number;
  sketch: number;
  seed: number;
  maxWindows?: number;
  fractal: boolean;
  json?: boolean;
}

/** One window of the trajectory report: the diffusion fields plus this module's geometry. */
interface TrajectoryWindowReport {
  readonly tw: number;
  readonly alpha: number;
  /** Coordinate-jackknife SE when `uncertainty.method` says so, else the OLS slope SE. */
  readonly alphaStdErr: number;
  /** 95% t interval of the jackknife; null under "ols". */
  readonly alphaCi: Interval | null;
  readonly uncertainty: ExponentUncertainty;
  readonly alphaShort: number | null;
  readonly alphaLong: number | null;
  readonly tau0: number | null;
  /** tau0 under the data-driven threshold (SD of the window's scanned RMSEs). */
  readonly tau0DataDriven: number | null;
  readonly rmse: number;
  readonly msd: { readonly tau: number[]; readonly value: number[] };
  readonly beta: { readonly tau: number[]; readonly value: number[] };
  readonly fractal: FractalSummary | null;
  readonly msl?: { readonly exponent: number; readonly H: number } | null;
  /** Why fractal or msl is null for this window (too few populated bins, ...). */
  readonly notes?: string[];
}

interface FractalSummary {
  readonly lambda: number;
  /** Coordinate-jackknife SE of lambda (OLS SE when the window is too narrow to group). */
  readonly lambdaStdErr: number;
  readonly Df: number;
  /** 95% interval of Df (the jackknife t interval of lambda through 2/lambda); null without a jackknife. */
  readonly DfCi: Interval | null;
  readonly crossover: number | null;
  readonly lambdaShort: number | null;
  readonly lambdaLong: number | null;
  readonly crossoverSseRatio: number | null;
  readonly DfArithmetic: number;
  /** Transverse-excursion test (seed 000, "self-affine rather than self-similar"); null if the window is too short. */
  readonly excursion: {
    readonly chordExponent: number;
    readonly transverseExponent: number;
    readonly classification: 'self-similar' | 'self-affine';
  } | null;
}

function registerTrajectory(analyze: Command): void {
  analyze
    .command('trajectory')
    .description(
      'Windowed diffusion analysis of a [steps, d] weight trajectory: MSD, alpha, tau0, beta per window and t0 ' +
        '(seed 000 §3), fractal dimension Df of the path and, with --loss, the MSL exponent 2H.',
    )
    .argument('<weights.npy>', 'trajectory, shape [steps, d], float16/32/64 little-endian, C order')
    .option('--loss <L.npy>', 'per-step (minibatch) losses, shape [steps]: adds the MSL exponent per window')
    .option('--window <T>', 'window length T in steps', positiveInt, 1000)
    .option('--stride <S>', 'steps between window starts (default: T, non-overlapping)', positiveInt)
    .option(
      '--convention <c>',
      'MSD normalisation: tamsd = 1/(N-tau), eq3 = seed Eq. 3, 1/T',
      convention,
      'tamsd',
    )
    .option('--dtau <n>', 'lag span of the log-derivative beta', positiveInt, 20)
    .option('--rmse-threshold <x>', 'RMSE (log10) threshold for tau0 and t0', positiveNumber, 0.03)
    .option(
      '--sketch <k>',
      'project rows to k dimensions (seeded JL) before Df/MSL; 0 = exact',
      nonNegativeInt,
      0,
    )
    .option('--seed <n>', 'seed of the --sketch projection', nonNegativeInt, 1)
    .option('--max-windows <n>', 'analyse at most this many windows', positiveInt)
    .option(
      '--df-group <g>',
      'Df pair grouping: lag (log-binned j - i, project convention) or contour (log-binned S)',
      dfGroup,
      'lag',
    )
    .option('--df-range <min:max>', 'fit Df over contour lengths in [min, max] (default: all)', fitRange)
    .option(
      '--msl-range <min:max>',
      'fit 2H over distances in [min, max]; the seed used 0.4:10 (default: all)',
      fitRange,
    )
    .option('--no-fractal', 'skip Df and MSL (their all-pairs cost is O(T^2 d) per window)')
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      '\nDf and MSL use all pairs of each window, O(T^2 d). With large d, --sketch k projects rows first\n' +
        '(seeded Johnson-Lindenstrauss): squared distances change by ~sqrt(2/k) RMS (9% at k = 256) and the\n' +
        'log-log slopes far less; the Gram pass then costs O(T^2 k).\n',
    )
    .action(async (file: string, options: TrajectoryOptions) => {
      await runReporting(() => analyzeTrajectoryFile(file, options));
    });
}

async function analyzeTrajectoryFile(file: string, options: TrajectoryOptions): Promise<void> {
  const { header } = await readNpyHeader(file);
  if (header.shape.length !== 2) {
    throw new AnalysisInputError(
      `${file}: expected a 2-D trajectory [steps, d], got shape (${header.shape.join(', ')})`,
    );
  }
  const { rows: steps, d } = matrixShape(file, header);
  const windowSize = options.window;
  const stride = options.stride ?? windowSize;
  const span = windowSpan(options.convention, windowSize);
  if (steps < span) {
    throw new AnalysisInputError(
      `${file}: ${steps} rows is too few for one window (--window ${windowSize} with --convention ${options.convention} needs ${span})`,
    );
  }
  let losses: Float64Array | null = null;
  if (options.loss) {
    const l = await readNpyArray(options.loss);
    if (l.shape.length > 2 || (l.shape.length === 2 && l.shape[1] !== 1)) {
      throw new AnalysisInputError(
        `${options.loss}: expected losses of shape [steps], got (${l.shape.join(', ')})`,
      );
    }
    if (l.data.length < steps) {
      throw new AnalysisInputError(`${options.loss}: ${l.data.length} losses for ${steps} trajectory rows`);
    }
    losses = l.data;
  }
  const possible = Math.floor((steps - span) / stride) + 1;
  const total = Math.min(possible, options.maxWindows ?? possible);
  const projection =
    options.fractal && options.sketch > 0
      ? new RandomProjection({ inputDim: d, outputDim: options.sketch, seed: options.seed })
      : null;
  const bar = process.stderr.isTTY && total > 1 ? new SingleBar({ stream: process.stderr }) : null;
  bar?.start(total, 0);
  const diffusionOptions = {
    windowSize,
    stride,
    convention: options.convention,
    rmseThreshold: options.rmseThreshold,
    betaLagSpan: options.dtau,
  };
  const windows: TrajectoryWindowReport[] = [];
  try {
    const stream = streamWindows(streamNpyRows(file), { span, stride, maxWindows: total });
    for await (const window of stream) {
      const diffusion = analyzeWindow(window, diffusionOptions, window.tw);
      windows.push(describeWindow(window, diffusion, windowSize, losses, projection, options));
      bar?.increment();
    }
  } finally {
    bar?.stop();
  }
  const t0Window = windows.find((w) => w.rmse < options.rmseThreshold);
  // The seed describes its 0.03 as the SD of all RMSEs: report t0 under that data-driven threshold too.
  const dataDrivenThreshold = windows.length > 1 ? sampleStandardDeviation(windows.map((w) => w.rmse)) : null;
  const t0DataDrivenWindow =
    dataDrivenThreshold === null ? undefined : windows.find((w) => w.rmse < dataDrivenThreshold);
  const report = {
    file,
    steps,
    d,
    convention: options.convention,
    windowSize,
    stride,
    rmseThreshold: options.rmseThreshold,
    sketch: projection ? { k: options.sketch, seed: options.seed } : null,
    t0: t0Window ? t0Window.tw : null,
    t0DataDrivenThreshold: dataDrivenThreshold,
    t0DataDriven: t0DataDrivenWindow ? t0DataDrivenWindow.tw : null,
    // Loss-fluctuation statistics over the whole series (seed 000 Fig. 5; spec §1.8).
    loss: losses ? lossSummary(losses.subarray(0, steps)) : null,
    windows,
  };
  if (options.json) {
    printJson(report);
    return;
  }
  const lines = [
    `${file}: ${steps} steps x ${d} parameters, ${windows.length} window(s) of T=${windowSize} (${options.convention})` +
      `${projection ? `, Df/MSL on a ${options.sketch}-dim sketch` : ''}`,
    `t0 (first window with full-range RMSE < ${options.rmseThreshold}): ${t0Window ? t0Window.tw : 'none'}`,
    '',
    table(
      [
        'tw',
        'alpha',
        '±',
        'rmse',
        'tau0',
        'alphaShort',
        'alphaLong',
        'Df',
        'crossover',
        ...(losses ? ['MSL 2H'] : []),
      ],
      windows.map((w) => [
        w.tw,
        w.alpha,
        w.alphaStdErr,
        w.rmse,
        w.tau0,
        w.alphaShort,
        w.alphaLong,
        w.fractal?.Df ?? null,
        w.fractal?.crossover ?? null,
        ...(losses ? [w.msl?.exponent ?? null] : []),
      ]),
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function describeWindow(
  window: RowChunk & { tw: number },
  diffusion: WindowDiffusion,
  windowSize: number,
  losses: Float64Array | null,
  projection: RandomProjection | null,
  options: TrajectoryOptions,
): TrajectoryWindowReport {
  const base = {
    tw: diffusion.tw,
    alpha: diffusion.alpha,
    alphaStdErr: diffusion.alphaStdErr,
    alphaCi: diffusion.alphaCi,
    uncertainty: diffusion.uncertainty,
    alphaShort: diffusion.alphaShort,
    alphaLong: diffusion.alphaLong,
    tau0: diffusion.tau0,
    tau0DataDriven: diffusion.tau0DataDriven,
    rmse: diffusion.rmse,
    msd: diffusion.msd,
    beta: diffusion.beta,
  };
  if (!options.fractal) return { ...base, fractal: null, ...(losses ? { msl: null } : {}) };
  // Geometry uses the window [tw, tw + T) itself; with eq3 the buffer holds 2T rows for the MSD lags.
  const own: RowChunk = {
    rows: windowSize,
    d: window.d,
    data: window.data.subarray(0, windowSize * window.d),
  };
  const geometry = new WindowGeometry(projection ? projection.projectChunk(own) : own);
  const notes: string[] = [];
  let fractal: FractalSummary | null = null;
  const df = attempt<FractalDimensionResult>(
    () => fractalDimension(geometry, { fitRange: options.dfRange, groupBy: options.dfGroup }),
    notes,
    'Df',
  );
  const excursion = attempt(() => transverseExcursion(geometry), notes, 'transverse excursion');
  if (df) {
    fractal = {
      lambda: df.lambda,
      lambdaStdErr: df.lambdaStdErr,
      Df: df.Df,
      DfCi: df.DfCi,
      crossover: df.crossover,
      lambdaShort: df.lambdaShort,
      lambdaLong: df.lambdaLong,
      crossoverSseRatio: df.crossoverSseRatio,
      DfArithmetic: df.arithmetic.Df,
      excursion: excursion
        ? {
            chordExponent: excursion.chordExponent,
            transverseExponent: excursion.transverseExponent,
            classification: excursion.classification,
          }
        : null,
    };
  }
  let msl: { exponent: number; H: number } | null | undefined;
  if (losses) {
    const r = attempt<MeanSquaredLossResult>(
      () =>
        meanSquaredLoss(geometry, losses.subarray(diffusion.tw, diffusion.tw + windowSize), {
          fitRange: options.mslRange,
        }),
      notes,
      'MSL',
    );
    msl = r ? { exponent: r.exponent, H: r.H } : null;
  }
  return { ...base, fractal, ...(losses ? { msl } : {}), ...(notes.length ? { notes } : {}) };
}

/** Moving variance (movvar(loss, [0, 100]) every 100 steps) and |L_{t+1} - L_t| statistics. */
function lossSummary(losses: Float64Array) {
  const mv = movingVariance(losses);
  const jumps = lossJumpStatistics(losses);
  return {
    movingVariance: { t: mv.x, value: mv.y },
    absChange: {
      mean: jumps.mean,
      median: jumps.median,
      sd: jumps.sd,
      p95: jumps.p95,
      p99: jumps.p99,
      max: jumps.max,
    },
  };
}

/** Run a per-window metric; an input problem of that window becomes a note instead of failing the file. */
function attempt<T>(f: () => T, notes: string[], what: string): T | null {
  try {
    return f();
  } catch (e) {
    if (e instanceof AnalysisInputError) {
      notes.push(`${what}: ${e.message}`);
      return null;
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------
// stable

interface StableOptions {
  method: 'koutrouvelis' | 'mcculloch';
  symmetric?: boolean;
  resamples: number;
  bootstrap: boolean;
  seed: number;
  json?: boolean;
}

function registerStable(analyze: Command): void {
  analyze
    .command('stable')
    .description(
      'Fit a Lévy alpha-stable law (S1) to samples, e.g. gradient components: alpha with a block-bootstrap CI, ' +
        'scale, beta, loc, and the Vuong test against a fitted Gaussian (science-spec §1.7, §3.3).',
    )
    .argument('<samples.npy>', 'samples, any shape (flattened in C order)')
    .option(
      '--method <m>',
      'koutrouvelis (ECF regression, default) or mcculloch (quantiles)',
      stableMethod,
      'koutrouvelis',
    )
    .option('--symmetric', 'fit on x ∪ -x (beta = loc = 0)')
    .option('--resamples <B>', 'block-bootstrap resamples for the alpha CI', positiveInt, 200)
    .option('--no-bootstrap', 'skip the bootstrap (alphaCI is null)')
    .option('--seed <n>', 'bootstrap seed', nonNegativeInt, 1)
    .option('--json', 'print JSON instead of a table')
    .action(async (file: string, options: StableOptions) => {
      await runReporting(async () => {
        const { data } = await readNpyArray(file);
        const fit = fitStable(data, {
          method: options.method,
          symmetric: options.symmetric ?? false,
          bootstrap: options.bootstrap ? { resamples: options.resamples, seed: options.seed } : false,
        });
        const report = {
          alpha: fit.alpha,
          alphaCI: fit.alphaCI ? [fit.alphaCI.lower, fit.alphaCI.upper] : null,
          alphaCILevel: fit.alphaCI?.level ?? null,
          scale: fit.scale,
          beta: fit.beta,
          loc: fit.loc,
          llrGaussian: fit.llrGaussian,
          vuongZ: fit.vuongZ,
          vuongP: fit.vuongP,
          n: fit.n,
          method: fit.method,
          symmetric: fit.symmetric,
        };
        if (options.json) printJson(report);
        else
          printFields(
            `${file}: alpha-stable fit (${fit.method}${fit.symmetric ? ', symmetric' : ''})`,
            report,
          );
      });
    });
}

// ---------------------------------------------------------------------------------------------------------
// escape

interface EscapeOptions {
  censorAt?: number;
  json?: boolean;
}

function registerEscape(analyze: Command): void {
  analyze
    .command('escape')
    .description(
      'Escape rate from first-passage times: (n-1)/sum t with an exact chi-square CI, or the censored-exponential ' +
        'MLE when runs never escaped (seed 001; science-spec §3.2).',
    )
    .argument('<times.npy>', 'escape times, shape [runs]')
    .option(
      '--censor-at <S>',
      'runs with time >= S never escaped: censored at S (times beyond S count as S)',
      positiveNumber,
    )
    .option('--json', 'print JSON instead of a table')
    .action(async (file: string, options: EscapeOptions) => {
      await runReporting(async () => {
        const { data } = await readNpyArray(file);
        const budget = options.censorAt;
        // A run censored at S was observed for S, whatever sentinel the file holds for it.
        const times = budget === undefined ? data : data.map((t) => Math.min(t, budget));
        const r = escapeRate(times, { budget });
        const report = {
          rate: r.rate,
          rateCI: [r.rateCI.lower, r.rateCI.upper],
          rateCILevel: r.rateCI.level,
          meanTime: r.meanTime,
          n: r.n,
          censored: r.censored,
          method: r.method,
        };
        if (options.json) printJson(report);
        else printFields(`${file}: escape rate`, report);
      });
    });
}

// ---------------------------------------------------------------------------------------------------------
// landscape

interface LandscapeOptions {
  boxMin: number;
  boxMax: number;
  mslPoints: number;
  seed: number;
  json?: boolean;
}

function registerLandscape(analyze: Command): void {
  analyze
    .command('landscape')
    .description(
      'Fractal measures of a 2-D loss grid (e.g. the 51x51 filter-normalised projection): differential ' +
        'box-counting dimension of the surface (in [2,3]), box-counting dimension of the median level set ' +
        '(in [1,2]), and the MSL exponent 2H from random grid nodes (seed 000 §"fractal landscape"; spec §1.10).',
    )
    .argument('<grid.npy>', 'loss grid, shape [rows, cols]')
    .option('--box-min <px>', 'smallest box side in grid cells', positiveInt, 2)
    .option('--box-max <px>', 'largest box side in grid cells', positiveInt, 25)
    .option('--msl-points <n>', 'random grid nodes for the MSL fit (all nodes if fewer)', positiveInt, 1000)
    .option('--seed <n>', 'seed of the node sample', nonNegativeInt, 1)
    .option('--json', 'print JSON instead of a table')
    .action(async (file: string, options: LandscapeOptions) => {
      await runReporting(async () => {
        const { shape, data } = await readNpyArray(file);
        if (shape.length !== 2) {
          throw new AnalysisInputError(`${file}: expected a 2-D loss grid, got shape (${shape.join(', ')})`);
        }
        const [rows, cols] = shape;
        const { box, msl } = landscapeGridMeasures(
          { rows, cols, data },
          {
            boxMin: options.boxMin,
            boxMax: options.boxMax,
            mslPoints: options.mslPoints,
            seed: options.seed,
          },
        );
        const report = {
          boxCountingSurface: box.boxCountingSurface,
          boxCountingLevelSet: box.boxCountingLevelSet,
          variationSurface: box.variationSurface,
          mslExponent: msl.exponent,
          H: msl.H,
          boxSizes: box.boxSizes,
          shape: [rows, cols],
        };
        if (options.json) printJson(report);
        else
          printFields(`${file}: landscape ${rows}x${cols}`, {
            ...report,
            boxSizes: `${options.boxMin}..${options.boxMax}`,
          });
      });
    });
}

// ---------------------------------------------------------------------------------------------------------
// shared helpers

/** Run a command body; input problems become one stderr line and exit status 2, anything else status 1. */
async function runReporting(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`sgdscope analyze: error: ${message.split('\n')[0]}\n`);
    process.exitCode = e instanceof AnalysisInputError ? EXIT_BAD_INPUT : 1;
  }
}

function printJson(value: unknown): void {
  // NaN and Infinity are not JSON: they print as null.
  process.stdout.write(
    `${JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return String(v);
    return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toFixed(4) : v.toExponential(3);
  }
  if (Array.isArray(v)) return `[${v.map(formatCell).join(', ')}]`;
  return String(v);
}

function table(headers: string[], rows: unknown[][]): string {
  const cells = rows.map((r) => r.map(formatCell));
  const widths = headers.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
  const line = (r: string[]): string => r.map((s, c) => s.padStart(widths[c])).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function printFields(title: string, fields: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(fields).map((k) => k.length));
  const body = Object.entries(fields).map(([k, v]) => `  ${k.padEnd(width)}  ${formatCell(v)}`);
  process.stdout.write(`${[title, ...body].join('\n')}\n`);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** A closed fit range "min:max" (either side may be empty for unbounded). */
interface FitRange {
  readonly min?: number;
  readonly max?: number;
}

function fitRange(value: string): FitRange {
  const m = /^([^:]*):([^:]*)$/.exec(value);
  const side = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));
  const min = m ? side(m[1]) : Number.NaN;
  const max = m ? side(m[2]) : Number.NaN;
  const ok = (v: number | undefined): boolean => v === undefined || (Number.isFinite(v) && v >= 0);
  if (!m || !ok(min) || !ok(max) || (min !== undefined && max !== undefined && min >= max)) {
    throw new InvalidArgumentError('expected min:max with 0 <= min < max (either side may be empty)');
  }
  return { min, max };
}

function dfGroup(value: string): 'lag' | 'contour' {
  if (value !== 'lag' && value !== 'contour') throw new InvalidArgumentError('expected lag or contour');
  return value;
}

function convention(value: string): 'tamsd' | 'eq3' {
  if (value !== 'tamsd' && value !== 'eq3') throw new InvalidArgumentError('expected tamsd or eq3');
  return value;
}

function stableMethod(value: string): 'koutrouvelis' | 'mcculloch' {
  if (value !== 'koutrouvelis' && value !== 'mcculloch') {
    throw new InvalidArgumentError('expected koutrouvelis or mcculloch');
  }
  return value;
}

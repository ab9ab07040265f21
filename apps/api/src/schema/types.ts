/** GraphQL object types. Every type and field carries a description: the schema is the contract. */
import { GraphQLDateTime, GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import {
  AnalysisStatusEnum,
  BucketSchemeEnum,
  EscapeControlEnum,
  RoleEnum,
  RunKindEnum,
  RunStatusEnum,
} from './enums.js';
import { FloatListScalar } from './scalars.js';

@ObjectType({ description: 'A team space; every run, sweep and view belongs to exactly one project.' })
export class Project {
  @Field(() => ID, { description: 'Project id (UUID).' })
  id!: string;
  @Field(() => String, { description: 'URL-safe unique short name.' })
  slug!: string;
  @Field(() => String, { description: 'Display name.' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  description!: string | null;
  @Field(() => GraphQLDateTime, { description: 'Creation time.' })
  createdAt!: Date;
  @Field(() => RoleEnum, { description: "The caller's role in this project." })
  role!: RoleEnum;
}

@ObjectType({ description: "A user's role in a project." })
export class Membership {
  @Field(() => ID, { description: 'Project id.' })
  projectId!: string;
  @Field(() => ID, { description: 'User id.' })
  userId!: string;
  @Field(() => String, { description: "The member's email." })
  email!: string;
  @Field(() => RoleEnum, { description: 'Granted role.' })
  role!: RoleEnum;
}

@ObjectType({ description: 'A newly created API key. The secret is shown once and never stored.' })
export class CreatedApiKey {
  @Field(() => ID, { description: 'Key id.' })
  id!: string;
  @Field(() => String, { description: 'Non-secret prefix identifying the key.' })
  prefix!: string;
  @Field(() => String, { description: 'The full key; send it as `Authorization: Bearer <key>`.' })
  key!: string;
}

@ObjectType({ description: 'A named study grouping runs and sweeps.' })
export class Experiment {
  @Field(() => ID, { description: 'Experiment id (UUID).' })
  id!: string;
  @Field(() => ID, { description: 'Owning project.' })
  projectId!: string;
  @Field(() => String, { description: 'Name, unique within the project.' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  description!: string | null;
}

@ObjectType({ description: 'A grid over config keys x replicate seeds.' })
export class Sweep {
  @Field(() => ID, { description: 'Sweep id (UUID).' })
  id!: string;
  @Field(() => ID, { description: 'Owning project.' })
  projectId!: string;
  @Field(() => ID, { nullable: true, description: 'Owning experiment, if any.' })
  experimentId!: string | null;
  @Field(() => String, { description: 'Name.' })
  name!: string;
  @Field(() => RunKindEnum, { description: 'Kind of every run in the sweep.' })
  kind!: RunKindEnum;
  @Field(() => GraphQLJSON, { description: 'The config every run starts from.' })
  baseConfig!: unknown;
  @Field(() => GraphQLJSON, { description: '{ dotted config key: [values] } grid.' })
  grid!: unknown;
  @Field(() => Int, { description: 'Replicate seeds per grid point.' })
  replicates!: number;
  @Field(() => Int, { description: 'Number of runs queued for the sweep.' })
  runCount!: number;
}

@ObjectType({ description: 'One training run or toy simulation.' })
export class Run {
  @Field(() => ID, { description: 'Run id (UUID).' })
  id!: string;
  @Field(() => ID, { description: 'Owning project.' })
  projectId!: string;
  @Field(() => ID, { nullable: true, description: 'Owning experiment, if any.' })
  experimentId!: string | null;
  @Field(() => ID, { nullable: true, description: 'Sweep the run belongs to, if any.' })
  sweepId!: string | null;
  @Field(() => String, { description: 'Display name.' })
  name!: string;
  @Field(() => RunStatusEnum, { description: 'Lifecycle state.' })
  status!: RunStatusEnum;
  @Field(() => RunKindEnum, { description: 'What the run simulates.' })
  kind!: RunKindEnum;
  @Field(() => GraphQLJSON, { description: 'Full resolved config (JSON).' })
  config!: unknown;
  @Field(() => String, { nullable: true, description: 'Model name (promoted config key `model`).' })
  model!: string | null;
  @Field(() => String, { nullable: true, description: 'Dataset (promoted config key `dataset`).' })
  dataset!: string | null;
  @Field(() => String, { nullable: true, description: 'Optimizer (promoted config key `optimizer`).' })
  optimizer!: string | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Learning rate eta (promoted config key `learningRate`).',
  })
  learningRate!: number | null;
  @Field(() => Int, { nullable: true, description: 'Batch size B (promoted config key `batchSize`).' })
  batchSize!: number | null;
  @Field(() => Int, { nullable: true, description: 'Network depth (promoted config key `depth`).' })
  depth!: number | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Residual shortcuts (promoted config key `shortcut`).',
  })
  shortcut!: boolean | null;
  @Field(() => String, { nullable: true, description: 'Loss function (promoted config key `loss`).' })
  loss!: string | null;
  @Field(() => Int, { nullable: true, description: 'Replicate seed (promoted config key `seed`).' })
  seed!: number | null;
  @Field(() => Int, { nullable: true, description: 'Number of trainable parameters.' })
  parameterCount!: number | null;
  @Field(() => String, { nullable: true, description: 'Code version that produced the run.' })
  codeVersion!: string | null;
  @Field(() => String, { nullable: true, description: 'Compute backend (tfjs backend name).' })
  backend!: string | null;
  @Field(() => [String], { description: 'Tags, sorted.' })
  tags!: string[];
  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes!: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Final scalars written at finish.' })
  summary!: unknown;
  @Field(() => Int, { description: 'Last step durably recorded; -1 before the first.' })
  lastStep!: number;
  @Field(() => String, { nullable: true, description: 'Failure message of a FAILED run.' })
  error!: string | null;
  @Field(() => GraphQLDateTime, { description: 'Creation (queue) time.' })
  createdAt!: Date;
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Time training started.' })
  startedAt!: Date | null;
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Time training finished.' })
  finishedAt!: Date | null;
}

@ObjectType({
  description: 'A per-step series downsampled to buckets; column-wise arrays, entry i is bucket i.',
})
export class SeriesBuckets {
  @Field(() => String, { description: 'Series name (loss, stepLength, gradNorm, ...).' })
  name!: string;
  @Field(() => BucketSchemeEnum, { description: 'Bucket spacing.' })
  scheme!: BucketSchemeEnum;
  @Field(() => Int, { description: 'Number of recorded steps the buckets cover.' })
  totalSteps!: number;
  @Field(() => FloatListScalar, { description: 'First step of each bucket.' })
  stepStart!: number[];
  @Field(() => FloatListScalar, { description: 'Last step of each bucket.' })
  stepEnd!: number[];
  @Field(() => FloatListScalar, {
    description: 'Minimum per bucket (null when all values were non-finite).',
  })
  min!: (number | null)[];
  @Field(() => FloatListScalar, { description: 'Maximum per bucket; keeps spikes visible.' })
  max!: (number | null)[];
  @Field(() => FloatListScalar, { description: 'Mean of finite values per bucket.' })
  mean!: (number | null)[];
  @Field(() => FloatListScalar, { description: 'Last value in each bucket.' })
  last!: (number | null)[];
}

@ObjectType({ description: 'A scalar estimate with its confidence interval.' })
export class ScalarEstimate {
  @Field(() => String, { description: 'Metric name, e.g. alpha, tau0, t0, alphaDist, Df, H, finalLoss.' })
  name!: string;
  @Field(() => Int, { description: 'Window index; -1 for run-level metrics.' })
  window!: number;
  @Field(() => Float, { description: 'Point estimate.' })
  value!: number;
  @Field(() => Float, { nullable: true, description: 'Standard error.' })
  stdErr!: number | null;
  @Field(() => Float, { nullable: true, description: 'Lower CI bound.' })
  ciLower!: number | null;
  @Field(() => Float, { nullable: true, description: 'Upper CI bound.' })
  ciUpper!: number | null;
  @Field(() => Float, { nullable: true, description: 'CI level, e.g. 0.95.' })
  ciLevel!: number | null;
}

@ObjectType({
  description:
    'A curve of an analysis result (MSD per window, beta(tau), dr^2 vs ds, MSL, histogram + fit, Hessian eigenvalues).',
})
export class AnalysisCurve {
  @Field(() => String, {
    description: 'Curve name, e.g. msd, beta, contour, msl, gradHist, gradFit, hessianEig.',
  })
  name!: string;
  @Field(() => Int, { description: 'Window index; -1 for run-level curves.' })
  window!: number;
  @Field(() => Int, { nullable: true, description: 'Window start step tw for per-window curves.' })
  tw!: number | null;
  @Field(() => FloatListScalar, { description: 'Abscissa.' })
  x!: ArrayLike<number>;
  @Field(() => FloatListScalar, { description: 'Ordinate.' })
  y!: ArrayLike<number | null>;
  @Field(() => FloatListScalar, {
    nullable: true,
    description: 'Lower band, when the estimator gives one.',
  })
  yLower!: ArrayLike<number | null> | null;
  @Field(() => FloatListScalar, {
    nullable: true,
    description: 'Upper band, when the estimator gives one.',
  })
  yUpper!: ArrayLike<number | null> | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Curve metadata (axis names, units, convention).',
  })
  meta!: unknown;
}

@ObjectType({
  description: 'One estimator applied to one run with one parameter set (cached by parameter hash).',
})
export class AnalysisResult {
  @Field(() => ID, { description: 'Result id.' })
  id!: string;
  @Field(() => ID, { description: 'Run the result belongs to.' })
  runId!: string;
  @Field(() => String, { description: 'Estimator name, e.g. diffusion.' })
  estimator!: string;
  @Field(() => String, { description: 'Estimator version; results of different versions are kept apart.' })
  estimatorVersion!: string;
  @Field(() => String, { description: 'Hash of the canonical parameters (cache key).' })
  paramsHash!: string;
  @Field(() => GraphQLJSON, { description: 'Parameters the estimator ran with.' })
  params!: unknown;
  @Field(() => AnalysisStatusEnum, { description: 'State.' })
  status!: AnalysisStatusEnum;
  @Field(() => String, { nullable: true, description: 'Failure message.' })
  error!: string | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Fit quality and details (RMSE, n, convention, ...).',
  })
  details!: unknown;
  @Field(() => GraphQLDateTime, { description: 'Time computed.' })
  createdAt!: Date;
  @Field(() => [ScalarEstimate], { description: 'Scalar estimates with CIs.' })
  scalars!: ScalarEstimate[];
}

@ObjectType({ description: 'A discussion note on a run or project.' })
export class Comment {
  @Field(() => ID, { description: 'Comment id.' })
  id!: string;
  @Field(() => ID, { nullable: true, description: 'Run commented on (null: project-level).' })
  runId!: string | null;
  @Field(() => ID, { description: 'Author user id.' })
  authorId!: string;
  @Field(() => String, { description: 'Text.' })
  body!: string;
  @Field(() => GraphQLDateTime, { description: 'Time written.' })
  createdAt!: Date;
}

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'More results follow endCursor.' })
  hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'Results precede startCursor.' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the first edge.' })
  startCursor!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last edge; pass as `after` for the next page.',
  })
  endCursor!: string | null;
}

@ObjectType({ description: 'A run with its cursor.' })
export class RunEdge {
  @Field(() => String, { description: 'Opaque cursor.' })
  cursor!: string;
  @Field(() => Run, { description: 'The run.' })
  node!: Run;
}

@ObjectType({ description: 'A Relay connection over runs.' })
export class RunConnection {
  @Field(() => [RunEdge], { description: 'Runs with cursors.' })
  edges!: RunEdge[];
  @Field(() => PageInfo, { description: 'Paging state.' })
  pageInfo!: PageInfo;
  /** Lazy count; the field resolver calls it only when requested. */
  countThunk!: () => Promise<number>;
}

@ObjectType({ description: 'A metric of compared runs, aligned with `Comparison.runs`.' })
export class AlignedMetric {
  @Field(() => String, { description: 'Metric name.' })
  name!: string;
  @Field(() => Int, { description: 'Window index; -1 for run-level.' })
  window!: number;
  @Field(() => [ScalarEstimate], {
    nullable: 'items',
    description: 'One entry per compared run (null: not computed).',
  })
  values!: (ScalarEstimate | null)[];
}

@ObjectType({ description: 'A curve of compared runs, aligned with `Comparison.runs`.' })
export class AlignedCurve {
  @Field(() => String, { description: 'Curve name.' })
  name!: string;
  @Field(() => Int, { description: 'Window index.' })
  window!: number;
  @Field(() => [AnalysisCurve], {
    nullable: 'items',
    description: 'One entry per compared run (null: not computed).',
  })
  curves!: (AnalysisCurve | null)[];
}

@ObjectType({ description: 'A config key whose value differs between compared runs.' })
export class ConfigDiffEntry {
  @Field(() => String, { description: 'Dotted config key.' })
  key!: string;
  @Field(() => [GraphQLJSON], { nullable: 'items', description: 'Value per compared run (null: absent).' })
  values!: unknown[];
}

@ObjectType({ description: 'Runs side by side: aligned metrics and curves and the config keys that differ.' })
export class Comparison {
  @Field(() => [Run], { description: 'Compared runs, in the requested order.' })
  runs!: Run[];
  @Field(() => [AlignedMetric], { description: 'Metrics, latest result per estimator of each run.' })
  metrics!: AlignedMetric[];
  @Field(() => [AlignedCurve], { description: 'Curves, latest result per estimator of each run.' })
  curves!: AlignedCurve[];
  @Field(() => [ConfigDiffEntry], { description: 'Config keys whose values differ.' })
  configDiff!: ConfigDiffEntry[];
}

@ObjectType({ description: 'Summary of a metric over all replicates of one group (mean +- t-based 95% CI).' })
export class AggregateGroup {
  @Field(() => [GraphQLJSON], { nullable: 'items', description: 'Group key values, in groupBy order.' })
  keys!: unknown[];
  @Field(() => Int, { description: 'Number of runs with a value.' })
  n!: number;
  @Field(() => Float, { nullable: true, description: 'Mean.' })
  mean!: number | null;
  @Field(() => Float, { nullable: true, description: 'Sample standard deviation (n-1).' })
  sd!: number | null;
  @Field(() => Float, { nullable: true, description: 'Standard error of the mean, sd/sqrt(n).' })
  stdErr!: number | null;
  @Field(() => Float, { nullable: true, description: 'Lower 95% CI bound, mean - t_{0.975,n-1} * stdErr.' })
  ciLower!: number | null;
  @Field(() => Float, { nullable: true, description: 'Upper 95% CI bound.' })
  ciUpper!: number | null;
  @Field(() => Float, { nullable: true, description: 'Minimum.' })
  min!: number | null;
  @Field(() => Float, { nullable: true, description: 'Maximum.' })
  max!: number | null;
}

@ObjectType({ description: 'Escape rate at one value of the control variable (replicate runs pooled).' })
export class EscapeRatePoint {
  @Field(() => Float, { description: 'Control value as configured (B, eta or k).' })
  control!: number;
  @Field(() => Float, { description: 'Value on the linear axis: B, 1/eta or 1/k.' })
  x!: number;
  @Field(() => Int, { description: 'Runs pooled at this point.' })
  runs!: number;
  @Field(() => Int, { description: 'Escape attempts (repeats) at this point.' })
  n!: number;
  @Field(() => Int, { description: 'Attempts that escaped (the rest are censored at their budget).' })
  escaped!: number;
  @Field(() => Float, { description: 'Escape rate gamma per unit of dynamical time (eta x iterations).' })
  rate!: number;
  @Field(() => Float, { description: 'Lower 95% CI of gamma (exact chi-square, or censored-exponential).' })
  ciLower!: number;
  @Field(() => Float, { description: 'Upper 95% CI of gamma.' })
  ciUpper!: number;
  @Field(() => Float, { description: '-log gamma, the regressed quantity.' })
  negLogRate!: number;
  @Field(() => String, { description: 'Rate estimator: exact ((n-1)/sum t) or censored-mle.' })
  method!: string;
}

@ObjectType({
  description: 'WLS fit of -log(gamma) against a control variable (seed 001, Sec. 3; science-spec 3.2).',
})
export class EscapeRateFit {
  @Field(() => EscapeControlEnum, { description: 'Control variable.' })
  against!: EscapeControlEnum;
  @Field(() => [EscapeRatePoint], { description: 'Per-point rates, sorted by x.' })
  points!: EscapeRatePoint[];
  @Field(() => Float, {
    nullable: true,
    description: 'Slope of -log gamma vs x (null with fewer than 3 points).',
  })
  slope!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Standard error of the slope (scaled by the reduced chi-square).',
  })
  slopeStdErr!: number | null;
  @Field(() => Float, { nullable: true, description: 'Lower 95% CI of the slope (t with n-2 df).' })
  slopeCiLower!: number | null;
  @Field(() => Float, { nullable: true, description: 'Upper 95% CI of the slope.' })
  slopeCiUpper!: number | null;
  @Field(() => Float, { nullable: true, description: 'Intercept.' })
  intercept!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Unweighted Pearson r of (x, -log gamma); seed 001 reports r > 0.99.',
  })
  pearsonR!: number | null;
  @Field(() => Float, { nullable: true, description: 'Reduced chi-square of the weighted fit.' })
  reducedChiSquare!: number | null;
  @Field(() => String, { nullable: true, description: 'Why no fit was made, if none was.' })
  note!: string | null;
}

@ObjectType({
  description: 'One (eta, Delta_S) cell of a phase diagram with per-phase counts over replicates.',
})
export class PhaseCell {
  @Field(() => Float, { description: 'Learning rate eta.' })
  eta!: number;
  @Field(() => Float, { description: 'Noise strength Delta_S (shift variance; plays the role of 1/B).' })
  noise!: number;
  @Field(() => String, { description: 'Majority phase: I, II or III.' })
  phase!: string;
  @Field(() => Int, { description: 'Classifications pooled in the cell.' })
  n!: number;
  @Field(() => Int, { description: 'Classified phase I (x -> 0).' })
  countI!: number;
  @Field(() => Int, { description: 'Classified phase II (x -> +-x_s).' })
  countII!: number;
  @Field(() => Int, { description: 'Classified phase III (diverged).' })
  countIII!: number;
}

@ObjectType({
  description: 'A phase boundary along one eta: where the upper-phase fraction crosses 1/2, with a CI.',
})
export class PhaseBoundary {
  @Field(() => String, { description: 'Which boundary: I/II or II/III.' })
  between!: string;
  @Field(() => Float, { description: 'Learning rate eta.' })
  eta!: number;
  @Field(() => Float, { description: 'Boundary noise level Delta_S.' })
  noise!: number;
  @Field(() => Float, { description: 'Lower CI bound of the boundary.' })
  ciLower!: number;
  @Field(() => Float, { description: 'Upper CI bound of the boundary.' })
  ciUpper!: number;
  @Field(() => Float, { description: 'CI level.' })
  ciLevel!: number;
  @Field(() => String, {
    description: 'logistic (bootstrap CI), interpolate, or bracket (cells separate perfectly).',
  })
  method!: string;
}

@ObjectType({ description: 'Classified phase-diagram cells and boundary estimates for a sweep (seed 002).' })
export class PhaseDiagram {
  @Field(() => [PhaseCell], { description: 'Cells sorted by eta, then Delta_S.' })
  cells!: PhaseCell[];
  @Field(() => [PhaseBoundary], {
    description: 'I/II and II/III boundaries per eta where the fraction crosses 1/2.',
  })
  boundaries!: PhaseBoundary[];
  @Field(() => Int, { description: 'Finished runs whose phase grids were pooled.' })
  runs!: number;
  @Field(() => Float, {
    nullable: true,
    description:
      'Delta_c of the hyperbola eta * Delta_S = Delta_c fitted to the I/II boundary points (seed 002).',
  })
  deltaC!: number | null;
  @Field(() => Float, { nullable: true, description: 'Lower 95% CI bound of Delta_c.' })
  deltaCLower!: number | null;
  @Field(() => Float, { nullable: true, description: 'Upper 95% CI bound of Delta_c.' })
  deltaCUpper!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Free log-log slope of the boundary, Delta_S* ~ eta^slope; the hyperbola predicts -1.',
  })
  boundarySlope!: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why the boundary or hyperbola could not be estimated.',
  })
  note!: string | null;
}

@ObjectType({ description: 'A frozen comparison opened by an unguessable token.' })
export class SavedView {
  @Field(() => ID, { description: 'View id.' })
  id!: string;
  @Field(() => ID, { description: 'Owning project.' })
  projectId!: string;
  @Field(() => String, { description: 'Token to open the view with.' })
  token!: string;
  @Field(() => String, { description: 'Title.' })
  title!: string;
  @Field(() => String, { nullable: true, description: 'Reviewer note.' })
  note!: string | null;
  @Field(() => [ID], { description: 'Runs in the view.' })
  runIds!: string[];
  @Field(() => GraphQLJSON, { description: 'Estimator name -> version frozen at save time.' })
  estimatorVersions!: unknown;
  @Field(() => GraphQLJSON, { description: 'Chart settings.' })
  chartSettings!: unknown;
  @Field(() => GraphQLDateTime, { description: 'Time saved.' })
  createdAt!: Date;
}

@ObjectType({ description: 'Acknowledgement of an ingest call.' })
export class IngestAck {
  @Field(() => ID, { description: 'Run id.' })
  runId!: string;
  @Field(() => Int, { description: 'Last step durably recorded after the call.' })
  lastStep!: number;
}

@ObjectType({ description: 'A stored trajectory chunk.' })
export class TrajectoryChunkInfo {
  @Field(() => Int, { description: 'Chunk sequence number (idempotency key).' })
  seq!: number;
  @Field(() => Int, { description: 'First step of the chunk.' })
  fromStep!: number;
  @Field(() => Int, { description: 'Rows (snapshots).' })
  rows!: number;
  @Field(() => Int, { description: 'Dimension of each row.' })
  d!: number;
  @Field(() => String, { description: 'Storage dtype.' })
  dtype!: string;
}

@ObjectType({ description: 'A progress event of a training run.' })
export class RunProgress {
  @Field(() => ID, { description: 'Run id.' })
  runId!: string;
  @Field(() => Int, { description: 'Last logged step.' })
  step!: number;
  @Field(() => Float, { nullable: true, description: 'Loss at that step, if a loss series was logged.' })
  loss!: number | null;
  @Field(() => RunStatusEnum, { description: 'Run status.' })
  status!: string;
}

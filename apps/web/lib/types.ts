/** Shapes of the API's answers as the pages use them (field names match apps/api/schema.graphql). */
export type RunStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';
export type RunKind = 'NETWORK' | 'FRACTAL_LANDSCAPE' | 'ESCAPE' | 'PHASE_DIAGRAM';

export interface ScalarEstimate {
  name: string;
  window: number;
  value: number;
  stdErr: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  ciLevel: number | null;
}

export interface RunRow {
  id: string;
  name: string;
  status: RunStatus;
  kind: RunKind;
  model: string | null;
  dataset: string | null;
  optimizer: string | null;
  learningRate: number | null;
  batchSize: number | null;
  depth: number | null;
  shortcut: boolean | null;
  seed: number | null;
  tags: string[];
  lastStep: number;
  createdAt: string;
  summary: Record<string, unknown> | null;
  metrics: ScalarEstimate[];
}

export interface AnalysisCurve {
  name: string;
  window: number;
  tw: number | null;
  x: number[];
  y: Array<number | null>;
  yLower: Array<number | null> | null;
  yUpper: Array<number | null> | null;
  meta: Record<string, unknown> | null;
}

export interface AnalysisResult {
  id: string;
  estimator: string;
  estimatorVersion: string;
  status: 'PENDING' | 'DONE' | 'FAILED';
  error: string | null;
  details: Record<string, unknown> | null;
  params: Record<string, unknown>;
  scalars: ScalarEstimate[];
  curves: AnalysisCurve[];
}

export interface SeriesBuckets {
  name: string;
  scheme: 'LINEAR' | 'LOG';
  totalSteps: number;
  stepStart: number[];
  stepEnd: number[];
  min: Array<number | null>;
  max: Array<number | null>;
  mean: Array<number | null>;
  last: Array<number | null>;
}

export interface RunDetail extends RunRow {
  projectId: string;
  sweepId: string | null;
  config: Record<string, unknown>;
  backend: string | null;
  codeVersion: string | null;
  parameterCount: number | null;
  notes: string | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  analyses: AnalysisResult[];
  series: SeriesBuckets[];
}

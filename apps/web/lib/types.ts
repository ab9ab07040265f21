/**
 * Shapes of the API's answers as the pages use them: names for the generated operation types (lib/generated.ts,
 * from lib/operations.graphql and apps/api/schema.graphql), so a schema change breaks the build, not the page.
 */
import type {
  AnalysisFieldsFragment,
  JsonValue,
  RunQuery,
  RunRowFieldsFragment,
  ScalarEstimateFieldsFragment,
} from './generated';

export type { JsonValue, RunKind, RunStatus } from './generated';

export type ScalarEstimate = ScalarEstimateFieldsFragment;
export type RunRow = RunRowFieldsFragment;
export type AnalysisResult = AnalysisFieldsFragment;
export type AnalysisCurve = AnalysisResult['curves'][number];
export type RunDetail = NonNullable<RunQuery['run']>;
export type SeriesBuckets = RunDetail['series'][number];

/** A JSON object's entry by key; `undefined` when the value is not an object (the API's JSON scalar is any JSON). */
export function jsonField(value: JsonValue | null | undefined, key: string): JsonValue | null | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value[key] : undefined;
}

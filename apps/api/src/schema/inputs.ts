/** GraphQL input types. Bounds here are the first line of payload-size and shape validation. */
import { ArrayMaxSize, IsOptional, Length, Matches, Max, Min } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import {
  AggregateSourceEnum,
  CompareOpEnum,
  RoleEnum,
  RunKindEnum,
  RunSortFieldEnum,
  RunStatusEnum,
  SortDirectionEnum,
} from './enums.js';

@InputType({ description: 'A condition on a config key: promoted column or dotted JSONB path.' })
export class ConfigConditionInput {
  @Field(() => String, { description: 'Config key, e.g. batchSize or optimizer.momentum.' })
  @Length(1, 200)
  key!: string;
  @Field(() => CompareOpEnum, { description: 'Operator.' })
  op!: CompareOpEnum;
  @Field(() => GraphQLJSON, { description: 'A JSON scalar, or a list of scalars for IN.' })
  value!: unknown;
}

@InputType({ description: 'A condition on a stored analysis scalar, e.g. alpha > 1 in window 0.' })
export class MetricConditionInput {
  @Field(() => String, { description: 'Metric name.' })
  @Length(1, 100)
  name!: string;
  @Field(() => Int, { defaultValue: -1, description: 'Window index; -1 for run-level.' })
  window!: number;
  @Field(() => CompareOpEnum, { description: 'Operator (not IN).' })
  op!: CompareOpEnum;
  @Field(() => Float, { description: 'Threshold.' })
  value!: number;
}

@InputType({ description: 'Run filter; all conditions are ANDed.' })
export class RunFilterInput {
  @Field(() => [RunStatusEnum], { nullable: true, description: 'Any of these statuses.' })
  status?: RunStatusEnum[];
  @Field(() => [String], { nullable: true, description: 'Runs carrying all these tags.' })
  @IsOptional()
  @ArrayMaxSize(50)
  tagsAll?: string[];
  @Field(() => [String], { nullable: true, description: 'Runs carrying any of these tags.' })
  @IsOptional()
  @ArrayMaxSize(50)
  tagsAny?: string[];
  @Field(() => ID, { nullable: true, description: 'Runs of this sweep.' })
  sweepId?: string;
  @Field(() => ID, { nullable: true, description: 'Runs of this experiment.' })
  experimentId?: string;
  @Field(() => RunKindEnum, { nullable: true, description: 'Runs of this kind.' })
  kind?: RunKindEnum;
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name.' })
  @IsOptional()
  @Length(1, 200)
  nameContains?: string;
  @Field(() => [ConfigConditionInput], { nullable: true, description: 'Config conditions.' })
  @IsOptional()
  @ArrayMaxSize(20)
  config?: ConfigConditionInput[];
  @Field(() => [MetricConditionInput], { nullable: true, description: 'Metric conditions.' })
  @IsOptional()
  @ArrayMaxSize(20)
  metrics?: MetricConditionInput[];
}

@InputType({ description: 'One sort key.' })
export class RunOrderInput {
  @Field(() => RunSortFieldEnum, { description: 'What to sort on.' })
  field!: RunSortFieldEnum;
  @Field(() => String, { nullable: true, description: 'Config key (CONFIG) or metric name (METRIC).' })
  key?: string;
  @Field(() => Int, { nullable: true, description: 'Metric window for METRIC (default -1).' })
  window?: number;
  @Field(() => SortDirectionEnum, { defaultValue: SortDirectionEnum.ASC, description: 'Direction.' })
  direction!: SortDirectionEnum;
}

@InputType({ description: 'The metric an aggregate summarises.' })
export class AggregateMetricInput {
  @Field(() => AggregateSourceEnum, {
    defaultValue: AggregateSourceEnum.SCALAR,
    description: 'Source of the value.',
  })
  source!: AggregateSourceEnum;
  @Field(() => String, { description: 'Metric name (SCALAR) or key (CONFIG / SUMMARY).' })
  @Length(1, 200)
  name!: string;
  @Field(() => Int, { defaultValue: -1, description: 'Window for SCALAR metrics.' })
  window!: number;
}

@InputType({ description: 'A metric to align in a comparison.' })
export class MetricKeyInput {
  @Field(() => String, { description: 'Metric name.' })
  name!: string;
  @Field(() => Int, { defaultValue: -1, description: 'Window index.' })
  window!: number;
}

@InputType({ description: 'A new run, queued for the trainer.' })
export class CreateRunInput {
  @Field(() => ID, { description: 'Project.' })
  projectId!: string;
  @Field(() => ID, { nullable: true, description: 'Experiment.' })
  experimentId?: string;
  @Field(() => String, { description: 'Name.' })
  @Length(1, 200)
  name!: string;
  @Field(() => RunKindEnum, { description: 'Kind.' })
  kind!: RunKindEnum;
  @Field(() => GraphQLJSON, { description: 'Full config; promoted keys are copied into columns.' })
  config!: unknown;
  @Field(() => [String], { nullable: true, description: 'Initial tags.' })
  @IsOptional()
  @ArrayMaxSize(50)
  tags?: string[];
}

@InputType({ description: 'A new sweep; its runs are queued at once.' })
export class CreateSweepInput {
  @Field(() => ID, { description: 'Project.' })
  projectId!: string;
  @Field(() => ID, { nullable: true, description: 'Experiment.' })
  experimentId?: string;
  @Field(() => String, { description: 'Name.' })
  @Length(1, 200)
  name!: string;
  @Field(() => RunKindEnum, { description: 'Kind of every run.' })
  kind!: RunKindEnum;
  @Field(() => GraphQLJSON, { description: 'Base config.' })
  baseConfig!: unknown;
  @Field(() => GraphQLJSON, { description: '{ dotted key: [values] } grid.' })
  grid!: unknown;
  @Field(() => Int, { defaultValue: 1, description: 'Replicates per grid point.' })
  @Min(1)
  @Max(1000)
  replicates!: number;
}

@InputType({ description: 'One series in a logSteps batch.' })
export class StepSeriesInput {
  @Field(() => String, { description: 'Series name.' })
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9_.:-]+$/)
  name!: string;
  @Field(() => [Float], { description: 'Values for steps fromStep, fromStep+1, ...; must be finite.' })
  @ArrayMaxSize(100_000)
  values!: number[];
}

@InputType({ description: 'A member invitation.' })
export class InviteMemberInput {
  @Field(() => ID, { description: 'Project.' })
  projectId!: string;
  @Field(() => String, { description: 'Email of the user to invite (created if new).' })
  @Length(3, 320)
  @Matches(/^[^@\s]+@[^@\s]+$/)
  email!: string;
  @Field(() => RoleEnum, { description: 'Role to grant.' })
  role!: RoleEnum;
}

@InputType({ description: 'A view to save.' })
export class SaveViewInput {
  @Field(() => ID, { description: 'Project.' })
  projectId!: string;
  @Field(() => String, { description: 'Title.' })
  @Length(1, 200)
  title!: string;
  @Field(() => String, { nullable: true, description: 'Reviewer note.' })
  @IsOptional()
  @Length(0, 10_000)
  note?: string;
  @Field(() => [ID], { description: 'Runs in the view (all must be in the project).' })
  @ArrayMaxSize(100)
  runIds!: string[];
  @Field(() => GraphQLJSON, { nullable: true, description: 'Chart settings (a JSON object; default {}).' })
  chartSettings?: unknown;
}

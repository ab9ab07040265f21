/** GraphQL enums, registered once with descriptions. */
import { registerEnumType } from 'type-graphql';

export enum RoleEnum {
  VIEWER = 'VIEWER',
  EDITOR = 'EDITOR',
  ADMIN = 'ADMIN',
}
registerEnumType(RoleEnum, {
  name: 'Role',
  description: 'A project role: viewers read, editors write runs, admins manage members.',
});

export enum RunStatusEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  FINISHED = 'FINISHED',
  FAILED = 'FAILED',
  CANCELED = 'CANCELED',
}
registerEnumType(RunStatusEnum, { name: 'RunStatus', description: 'Lifecycle state of a run.' });

export enum RunKindEnum {
  NETWORK = 'NETWORK',
  FRACTAL_LANDSCAPE = 'FRACTAL_LANDSCAPE',
  ESCAPE = 'ESCAPE',
  PHASE_DIAGRAM = 'PHASE_DIAGRAM',
}
registerEnumType(RunKindEnum, {
  name: 'RunKind',
  description:
    'What a run simulates: a network, a 2-D fractal landscape, an escape experiment or a phase-diagram cell.',
});

export enum AnalysisStatusEnum {
  PENDING = 'PENDING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}
registerEnumType(AnalysisStatusEnum, {
  name: 'AnalysisStatus',
  description: 'State of one analysis result.',
});

export enum CompareOpEnum {
  EQ = 'EQ',
  NE = 'NE',
  GT = 'GT',
  GTE = 'GTE',
  LT = 'LT',
  LTE = 'LTE',
  IN = 'IN',
}
registerEnumType(CompareOpEnum, {
  name: 'CompareOp',
  description: 'Comparison operator; IN takes a list value, ordering operators need numbers.',
});

export enum RunSortFieldEnum {
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
  STATUS = 'STATUS',
  CONFIG = 'CONFIG',
  METRIC = 'METRIC',
}
registerEnumType(RunSortFieldEnum, {
  name: 'RunSortField',
  description: 'Run list sort key; CONFIG and METRIC need `key` (config path or metric name).',
});

export enum SortDirectionEnum {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirectionEnum, {
  name: 'SortDirection',
  description: 'Sort direction; missing values sort last.',
});

export enum BucketSchemeEnum {
  LINEAR = 'LINEAR',
  LOG = 'LOG',
}
registerEnumType(BucketSchemeEnum, {
  name: 'BucketScheme',
  description: 'Step-axis bucket spacing for downsampled series; LOG keeps early-time structure.',
});

export enum AggregateSourceEnum {
  SCALAR = 'SCALAR',
  CONFIG = 'CONFIG',
  SUMMARY = 'SUMMARY',
}
registerEnumType(AggregateSourceEnum, {
  name: 'AggregateSource',
  description:
    'Where an aggregated metric comes from: a stored analysis scalar, a numeric config key, or the run summary.',
});

export enum EscapeControlEnum {
  BATCH_SIZE = 'BATCH_SIZE',
  INV_LR = 'INV_LR',
  INV_SHARPNESS = 'INV_SHARPNESS',
  INV_DIFFUSION = 'INV_DIFFUSION',
}
registerEnumType(EscapeControlEnum, {
  name: 'EscapeControl',
  description:
    'Control variable that -log(escape rate) is regressed on (seed 001, Sec. 3): B, 1/eta, 1/k or 1/D.',
  valuesConfig: {
    BATCH_SIZE: { description: 'Batch size B (config key batchSize); -log gamma linear in B (SGD).' },
    INV_LR: { description: 'Inverse learning rate 1/eta (config key eta or learningRate).' },
    INV_SHARPNESS: { description: 'Inverse sharpness 1/k of the minimum (config key sharpness).' },
    INV_DIFFUSION: {
      description:
        'Inverse diffusion coefficient 1/D of SGLD escape sweeps (config key diffusion); -log gamma linear in 1/D with slope the barrier height (seed 001, Thm 3.1).',
    },
  },
});

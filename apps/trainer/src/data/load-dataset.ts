import { loadCifar10 } from './cifar10.js';
import { loadCsv } from './csv.js';
import { type Dataset, standardizeChannels, takeFirst } from './dataset.js';
import { loadMnistIdx } from './idx.js';
import { loadEmbeddedMnist } from './mnist-embedded.js';

/** Where a run's data come from (the `data` block of a network config). */
export type DataSourceSpec =
  | { readonly source: 'mnist-embedded'; readonly limit?: number; readonly standardize?: boolean }
  | {
      readonly source: 'mnist-idx' | 'cifar10';
      readonly path: string;
      readonly split: 'train' | 'test';
      readonly limit?: number;
      readonly standardize?: boolean;
    }
  | {
      readonly source: 'csv';
      readonly path: string;
      readonly labelColumn?: number | string;
      readonly header: boolean | 'auto';
      readonly delimiter?: string;
      readonly limit?: number;
      readonly standardize?: boolean;
    };

/**
 * Loads the configured data set, keeps the first `limit` examples and standardises per channel when asked —
 * by default for CIFAR-10 (seed 000's per-channel normalisation) and CSV tables (z-scored features), not for
 * MNIST (pixels stay in [0, 1]). Statistics come from the examples kept.
 */
export function loadDataSource(spec: DataSourceSpec): Dataset {
  let dataset: Dataset;
  switch (spec.source) {
    case 'mnist-embedded':
      dataset = loadEmbeddedMnist(spec.limit);
      break;
    case 'mnist-idx':
      dataset = loadMnistIdx(spec.path, spec.split);
      break;
    case 'cifar10':
      dataset = loadCifar10(spec.path, spec.split);
      break;
    case 'csv':
      dataset = loadCsv(spec.path, {
        labelColumn: spec.labelColumn,
        header: spec.header,
        delimiter: spec.delimiter,
      });
      break;
  }
  if (spec.limit !== undefined) dataset = takeFirst(dataset, spec.limit);
  const standardize = spec.standardize ?? (spec.source === 'cifar10' || spec.source === 'csv');
  return standardize ? standardizeChannels(dataset) : dataset;
}

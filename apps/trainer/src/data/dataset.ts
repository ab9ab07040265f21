/**
 * An in-memory labelled data set: row-major features (images as HWC, values already scaled) and integer class
 * labels. Every reader in this folder returns one, so the training loop never knows where the data came from.
 */
export interface Dataset {
  readonly name: string;
  /** count × prod(featureShape) values, example after example. */
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  /** Shape of one example: [h, w, c] for images, [f] for tabular rows. */
  readonly featureShape: readonly number[];
  readonly numClasses: number;
}

/** Thrown for a missing, truncated or malformed data file; the message names the file and what was wrong. */
export class DataFormatError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'DataFormatError';
  }
}

export function featureSize(dataset: Pick<Dataset, 'featureShape'>): number {
  return dataset.featureShape.reduce((a, b) => a * b, 1);
}

/** The first `count` examples (readers order their data so that a prefix is class-balanced where they can). */
export function takeFirst(dataset: Dataset, count: number): Dataset {
  if (count >= dataset.count) return dataset;
  const size = featureSize(dataset);
  return {
    ...dataset,
    name: `${dataset.name}[:${count}]`,
    features: dataset.features.slice(0, count * size),
    labels: dataset.labels.slice(0, count),
    count,
  };
}

/**
 * Per-channel standardisation (x − mean_c) / sd_c over all examples and positions, the "per-channel
 * normalisation" of seed 000's CIFAR loader (§1.1), with statistics from the data themselves. The last axis of
 * featureShape is the channel (HWC images; for tabular rows every column is its own channel).
 */
export function standardizeChannels(dataset: Dataset): Dataset {
  const channels = dataset.featureShape[dataset.featureShape.length - 1];
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  const { features } = dataset;
  for (let i = 0; i < features.length; i++) {
    const c = i % channels;
    sum[c] += features[i];
    sumSq[c] += features[i] * features[i];
  }
  const perChannel = features.length / channels;
  const mean = Array.from(sum, (s) => s / perChannel);
  const sd = Array.from(sumSq, (s, c) => Math.sqrt(Math.max(s / perChannel - mean[c] ** 2, 0)));
  const out = new Float32Array(features.length);
  for (let i = 0; i < features.length; i++) {
    const c = i % channels;
    // A constant column carries no information: map it to 0 instead of dividing by zero.
    out[i] = sd[c] > 0 ? (features[i] - mean[c]) / sd[c] : 0;
  }
  return { ...dataset, features: out };
}

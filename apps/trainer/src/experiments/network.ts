/**
 * Experiment `network`: SGD (or SGLD) on a real network with every step recorded — the data behind seed 000's
 * trajectory metrics (science-spec §1.1: per-step weights, minibatch loss, gradient samples §1.7, Hessian
 * §1.9, projected landscape §1.10) and seed 001's UCI networks (§5: depth-2/3, width-10 MLPs on tabular data).
 *
 * Step convention: at step t the minibatch loss L_t, gradient and trajectory row are all taken at w(t), the
 * weights *before* update t; then w(t+1) = w(t) − η∇L̂_t (+ SGLD noise).
 *
 * Resume: every random draw is a function of (seed, purpose, index) (train/random-streams.ts), so the run is a
 * deterministic function of its config. A `checkpoint` artifact (weights w(c) + next chunk seq + the
 * gradient-sample window in progress) is written every `checkpointEvery` steps, after everything for steps < c
 * is durable, and at the end of a finished run. Everything belonging to step t (chunk rows, artifacts) is
 * written before t's scalars are flushed, so `recorder.lastStep()` bounds what is durable. A restarted run
 * loads the latest checkpoint, replays steps c .. lastStep silently and records from lastStep + 1: no gap, no
 * duplicate step. Chunk boundaries depend on the config only, so a chunk the crashed attempt stored beyond
 * lastStep is regenerated with identical bytes under the same seq (an idempotent retry for every recorder).
 * Cancelling (the AbortSignal) flushes the step scalars and ends the run 'canceled' without cutting a chunk
 * short: until it is resumed, a canceled run's trajectory ends at its last complete chunk.
 */
import { RandomProjection } from '@sgdscope/analysis';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { selectBackend } from '../backend/index.js';
import { type Dataset, loadDataSource } from '../data/index.js';
import { hessianEigenArtifact } from '../hessian/index.js';
import { lossSurfaceArtifact } from '../landscape2d/index.js';
import { buildModel, type NetworkModel, readFlatWeights, writeFlatWeights } from '../models/index.js';
import type { RunRecorder, StepBatch } from '../recording/recorder.js';
import { codeVersion } from '../toy/provenance.js';
import {
  defaultChunkRows,
  EpochBatchSampler,
  GradientSampler,
  type GradientSampleState,
  type Minibatch,
  makeMinibatch,
  TrajectoryBuffer,
  trainStep,
} from '../train/index.js';
import type { ExperimentOutcome, ExperimentRunOptions } from './registry.js';

const positiveInt = z.number().int().positive();

const modelSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('mlp'),
      hidden: z.array(positiveInt).default([100]),
      activation: z.enum(['relu', 'tanh']).default('relu'),
    })
    .strict(),
  z
    .object({
      type: z.literal('cnn'),
      channels: z.tuple([positiveInt, positiveInt]).default([16, 32]),
    })
    .strict(),
  z
    .object({
      type: z.literal('resnet'),
      depth: positiveInt
        .refine((d) => d >= 8 && (d - 2) % 6 === 0, 'depth must be 6k + 2 (14, 20, 56, 110)')
        .default(14),
      shortcut: z.boolean().default(true),
      widthMultiplier: z.number().positive().max(8).default(1),
    })
    .strict(),
]);

const dataSchema = z.discriminatedUnion('source', [
  z
    .object({
      source: z.literal('mnist-embedded'),
      limit: positiveInt.optional(),
      standardize: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      source: z.enum(['mnist-idx', 'cifar10']),
      path: z.string().min(1),
      split: z.enum(['train', 'test']).default('train'),
      limit: positiveInt.optional(),
      standardize: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      source: z.literal('csv'),
      path: z.string().min(1),
      labelColumn: z.union([z.number().int(), z.string()]).optional(),
      header: z.union([z.boolean(), z.literal('auto')]).default('auto'),
      delimiter: z.string().min(1).optional(),
      limit: positiveInt.optional(),
      standardize: z.boolean().optional(),
    })
    .strict(),
]);

/** Network experiment config. Defaults: MLP 784-100-10 on the embedded MNIST digits, SGD η = 0.1, B = 128. */
export const networkConfigSchema = z
  .object({
    model: modelSchema.prefault({ type: 'mlp' }),
    /** 'seed000': Linear N(0, 1e-3²) as in seed 000's init_params; 'kaiming': fan_in normal for dense layers. */
    denseInit: z.enum(['seed000', 'kaiming']).default('seed000'),
    data: dataSchema.prefault({ source: 'mnist-embedded' }),
    /** Random crop (pad 4) + horizontal flip; default on for CIFAR-10 only (seed 000 §1.1). */
    augment: z.boolean().optional(),
    loss: z.enum(['cross_entropy', 'kl']).default('cross_entropy'),
    labelSmoothing: z.number().min(0).max(1).default(0),
    optimizer: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('sgd') }).strict(),
        /** SGLD: w ← w − η∇L̂ + √(2ηD) ξ (see train/optimizer.ts). */
        z.object({ type: z.literal('sgld'), diffusion: z.number().positive().default(1e-4) }).strict(),
      ])
      .prefault({ type: 'sgd' }),
    learningRate: z.number().positive().default(0.1),
    batchSize: positiveInt.default(128),
    steps: positiveInt.default(1000),
    seed: z.number().int().nonnegative().default(0),
    backend: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    trajectory: z
      .object({
        enabled: z.boolean().default(true),
        /** Keep w(t) every `stride` steps (the stride is not in the chunks: read it from the config). */
        stride: positiveInt.default(1),
        dtype: z.enum(['float32', 'float16']).default('float32'),
        /** Rows per chunk; default about 32 MiB per chunk. */
        chunkRows: positiveInt.optional(),
        /** Store a JL random projection of dimension sketchDim instead of the full weights. */
        sketchDim: positiveInt.optional(),
        sketchSeed: z.number().int().nonnegative().default(0),
      })
      .strict()
      .prefault({}),
    gradientSample: z
      .object({
        enabled: z.boolean().default(true),
        windowSteps: positiveInt.default(1000),
        samplesPerWindow: positiveInt.default(5000),
      })
      .strict()
      .prefault({}),
    /** Steps between step-series flushes to the recorder. */
    stepFlushEvery: positiveInt.default(100),
    checkpointEvery: positiveInt.default(1000),
    hessian: z
      .object({
        /** Top-k eigenvalues every `every` steps (0: never). Spec §5.13: top 20 on a fixed subset. */
        every: z.number().int().nonnegative().default(0),
        atEnd: z.boolean().default(false),
        k: positiveInt.default(20),
        lanczosSteps: positiveInt.optional(),
        /** Size of the fixed evaluation subset (the first examples, no augmentation). */
        samples: positiveInt.default(1000),
        hvpStep: z.number().positive().default(1e-3),
      })
      .strict()
      .prefault({}),
    landscape: z
      .object({
        /** Filter-normalised 2-D loss surface at the end of the run (seed 000 §1.10 uses 51 × 51). */
        enabled: z.boolean().default(false),
        resolution: positiveInt.max(201).default(21),
        range: z.number().positive().default(1),
        samples: positiveInt.default(1000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type NetworkConfig = z.output<typeof networkConfigSchema>;
export type NetworkConfigInput = z.input<typeof networkConfigSchema>;

/** Artifact holding a resumable state: data = w(step), the weights before update `step`. */
export const CHECKPOINT_ARTIFACT = 'checkpoint';

interface CheckpointMeta {
  readonly format: 1;
  readonly nextChunkSeq: number;
  readonly gradientSample: GradientSampleState | null;
  readonly parameterCount: number;
  readonly model: string;
  /** trajectoryFingerprint of the config that wrote it. */
  readonly fingerprint: string;
}

/**
 * The config fields that determine w(t) and what is recorded per step, canonically serialised. A checkpoint
 * only resumes a run with the same fingerprint: `steps` may grow (extend a run) and evaluation-only settings
 * (backend, Hessian, landscape, flush cadence) may change, but resuming with another learning rate, seed or
 * model would splice two different trajectories into one run.
 */
export function trajectoryFingerprint(config: NetworkConfig): string {
  const {
    steps: _steps,
    backend: _backend,
    hessian: _hessian,
    landscape: _landscape,
    stepFlushEvery: _flush,
    ...determining
  } = config;
  return JSON.stringify(determining, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}

/**
 * Runs the configured network for `steps` steps, recording through `recorder` (see the module comment for
 * what is recorded and how resume works). Honours `options.signal`: the run stops at the next step, flushes,
 * writes a checkpoint and finishes as 'canceled'. Throws (after releasing tensors) on errors.
 */
export async function runNetworkExperiment(
  rawConfig: NetworkConfigInput | NetworkConfig,
  recorder: RunRecorder,
  options: ExperimentRunOptions = {},
): Promise<ExperimentOutcome> {
  const config = networkConfigSchema.parse(rawConfig);
  const backend = await selectBackend(config.backend);
  const dataset = loadDataSource(config.data);
  const model = buildModel(
    config.model,
    dataset.featureShape,
    dataset.numClasses,
    config.seed,
    config.denseInit,
  );
  const fixedBatches: Minibatch[] = [];
  try {
    await recorder.start({
      kind: 'network',
      config: config as Record<string, unknown>,
      backend,
      codeVersion: codeVersion(),
      parameterCount: model.parameterCount,
    });
    return await trainAndRecord(config, recorder, options, { backend, dataset, model, fixedBatches });
  } finally {
    for (const batch of fixedBatches) batch.dispose();
    model.dispose();
  }
}

interface RunContext {
  readonly backend: string;
  readonly dataset: Dataset;
  readonly model: NetworkModel;
  /** Fixed evaluation batches (Hessian, landscape), disposed by the caller. */
  readonly fixedBatches: Minibatch[];
}

async function trainAndRecord(
  config: NetworkConfig,
  recorder: RunRecorder,
  options: ExperimentRunOptions,
  { backend, dataset, model, fixedBatches }: RunContext,
): Promise<ExperimentOutcome> {
  const d = model.parameterCount;
  const sampler = new EpochBatchSampler(dataset.count, config.batchSize, config.seed);
  const augment = config.augment ?? config.data.source === 'cifar10';
  const batchOptions = { augment, labelSmoothing: config.labelSmoothing, seed: config.seed };
  const gradientSampler = config.gradientSample.enabled
    ? new GradientSampler(d, config.gradientSample, config.seed)
    : null;
  const projection =
    config.trajectory.sketchDim !== undefined
      ? new RandomProjection({
          inputDim: d,
          outputDim: config.trajectory.sketchDim,
          seed: config.trajectory.sketchSeed,
        })
      : null;
  const rowDim = projection ? projection.outputDim : d;
  const trajectoryOptions = {
    stride: config.trajectory.stride,
    dtype: config.trajectory.dtype,
    chunkRows: config.trajectory.chunkRows ?? defaultChunkRows(rowDim, config.trajectory.dtype),
    sketch: projection ? { seed: config.trajectory.sketchSeed, sourceDim: d } : undefined,
  };

  // --- resume ---
  const lastStep = await recorder.lastStep();
  let startStep = 0;
  let nextChunkSeq = 0;
  if (lastStep >= 0) {
    if (!recorder.readArtifact) throw new Error('cannot resume: this recorder cannot read back checkpoints');
    const checkpoint = await recorder.readArtifact(CHECKPOINT_ARTIFACT);
    // No checkpoint yet: the run is deterministic from its seeded initialisation, so replay from step 0.
    if (checkpoint) {
      const meta = checkpoint.meta as unknown as CheckpointMeta;
      if (meta.parameterCount !== d || checkpoint.data.length !== d) {
        throw new Error(`checkpoint has ${checkpoint.data.length} weights, the configured model ${d}`);
      }
      if (meta.fingerprint !== trajectoryFingerprint(config)) {
        throw new Error(
          'cannot resume: the checkpoint was written by a config with different trajectory-determining settings ' +
            `(checkpoint ${meta.fingerprint}, now ${trajectoryFingerprint(config)})`,
        );
      }
      writeFlatWeights(model, Float32Array.from(checkpoint.data));
      startStep = checkpoint.step;
      nextChunkSeq = meta.nextChunkSeq;
      gradientSampler?.restore(meta.gradientSample);
    }
  }
  const trajectory = config.trajectory.enabled
    ? new TrajectoryBuffer(rowDim, trajectoryOptions, nextChunkSeq)
    : null;
  const steps = new StepSeriesBuffer(['loss', 'grad_norm', 'step_length']);
  const isRecorded = (step: number) => step > lastStep;
  const fixedBatch = (samples: number): Minibatch => {
    const count = Math.min(samples, dataset.count);
    const batch = makeMinibatch(
      dataset,
      Int32Array.from({ length: count }, (_, i) => i),
      0,
      {
        augment: false,
        labelSmoothing: config.labelSmoothing,
        seed: config.seed,
      },
    );
    fixedBatches.push(batch);
    return batch;
  };
  let hessianBatch: Minibatch | null = null;
  const hessianAt = async (step: number) => {
    hessianBatch ??= fixedBatch(config.hessian.samples);
    await recorder.writeArtifact(
      hessianEigenArtifact(model, hessianBatch.x, hessianBatch.targets, config.loss, step, {
        k: Math.min(config.hessian.k, d),
        lanczosSteps: config.hessian.lanczosSteps,
        hvpStep: config.hessian.hvpStep,
        seed: config.seed,
      }),
    );
  };
  const writeChunk = async (chunk: ReturnType<TrajectoryBuffer['flush']>) => {
    // A chunk whose last row is ≤ lastStep was written before the crash (rows precede their step's scalars).
    if (chunk && isRecorded(chunk.fromStep + (chunk.rows - 1) * config.trajectory.stride)) {
      await recorder.writeTrajectoryChunk(chunk);
    }
  };
  const flushSteps = async () => {
    const batch = steps.take();
    if (batch) await recorder.logSteps(batch);
  };
  const writeCheckpoint = async (step: number) => {
    await writeChunk(trajectory?.flush() ?? null);
    await flushSteps();
    const meta: CheckpointMeta = {
      format: 1,
      nextChunkSeq: trajectory?.nextSeq ?? 0,
      gradientSample: gradientSampler?.state() ?? null,
      parameterCount: d,
      model: model.name,
      fingerprint: trajectoryFingerprint(config),
    };
    await recorder.writeArtifact({
      name: CHECKPOINT_ARTIFACT,
      step,
      shape: [d],
      data: readFlatWeights(model),
      meta: meta as unknown as Record<string, unknown>,
    });
  };

  const started = performance.now();
  // CPU time of this process: on a shared machine wall time per step inflates with the load, CPU time does not.
  const cpuStarted = process.cpuUsage();
  let step = startStep;
  let canceled = false;
  let diverged = false;
  let lastLoss = Number.NaN;
  /** Time spent reading out, sketching, encoding, buffering and handing over trajectory rows. */
  let trajectoryMs = 0;
  const projected = projection ? new Float64Array(projection.outputDim) : null;
  for (; step < config.steps; step++) {
    if (options.signal?.aborted) {
      canceled = true;
      break;
    }
    const recorded = isRecorded(step);
    if (recorded && config.hessian.every > 0 && step % config.hessian.every === 0) await hessianAt(step);
    if (trajectory?.wants(step)) {
      const loggingStarted = performance.now();
      const weights = readFlatWeights(model);
      let row = weights;
      if (projection && projected) {
        projection.projectRow(weights, projected);
        row = Float32Array.from(projected);
      }
      await writeChunk(trajectory.push(step, row));
      trajectoryMs += performance.now() - loggingStarted;
    }
    const batch = makeMinibatch(dataset, sampler.indicesAt(step), step, batchOptions);
    let result: ReturnType<typeof trainStep>;
    try {
      result = trainStep(model, {
        x: batch.x,
        targets: batch.targets,
        learningRate: config.learningRate,
        optimizer: config.optimizer,
        loss: config.loss,
        seed: config.seed,
        step,
        returnGradient: gradientSampler?.needsGradient(step) ?? false,
      });
    } finally {
      batch.dispose();
    }
    const sample = gradientSampler?.record(step, result.gradient) ?? null;
    if (sample && recorded) await recorder.writeArtifact(sample);
    lastLoss = result.loss;
    if (recorded) steps.push(step, [result.loss, result.gradNorm, result.stepLength]);
    if ((step + 1) % config.stepFlushEvery === 0) await flushSteps();
    if (!Number.isFinite(result.loss)) {
      diverged = true;
      step += 1;
      break;
    }
    if ((step + 1) % config.checkpointEvery === 0 && step + 1 < config.steps) await writeCheckpoint(step + 1);
    if ((step + 1) % 10 === 0 || step + 1 === config.steps) {
      options.onProgress?.({ step: step + 1, totalSteps: config.steps, loss: result.loss });
    }
    // Let signal handlers and progress redraws run between steps.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const stepsThisRun = step - startStep;
  const msPerStep = stepsThisRun > 0 ? (performance.now() - started) / stepsThisRun : null;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuMsPerStep = stepsThisRun > 0 ? (cpu.user + cpu.system) / 1000 / stepsThisRun : null;

  if (canceled) {
    // No partial chunk and no checkpoint here: chunk boundaries must stay a function of the config alone
    // (cuts at chunkRows and at the periodic checkpoints), because an earlier crashed attempt may already
    // have stored the full chunk under this seq, and stores reject different content under one key. The
    // scalars are kept; a restart replays from the last periodic checkpoint and completes the chunk.
    await flushSteps();
  } else {
    await writeChunk(trajectory?.flush() ?? null);
    // A window cut short by the end of the run is emitted here; a complete one was written at its last step.
    const partial =
      step % config.gradientSample.windowSteps !== 0 ? gradientSampler?.partialArtifact() : null;
    if (partial) await recorder.writeArtifact(partial);
    if (!diverged && config.hessian.atEnd) await hessianAt(step);
    if (!diverged && config.landscape.enabled) {
      const batch = fixedBatch(config.landscape.samples);
      await recorder.writeArtifact(
        lossSurfaceArtifact(model, batch.x, batch.targets, config.loss, step, {
          resolution: config.landscape.resolution,
          range: config.landscape.range,
          seed: config.seed,
        }),
      );
    }
    // A checkpoint at the end lets a later call with more `steps` extend the run after its last chunk.
    if (diverged) await flushSteps();
    else await writeCheckpoint(step);
  }
  const summary = {
    kind: 'network',
    model: model.name,
    parameterCount: model.parameterCount,
    dataset: dataset.name,
    examples: dataset.count,
    backend,
    stepsCompleted: step,
    resumedFromStep: startStep > 0 || lastStep >= 0 ? startStep : null,
    replayedSteps: Math.max(0, Math.min(lastStep + 1, step) - startStep),
    finalLoss: lastLoss,
    diverged,
    msPerStep,
    cpuMsPerStep,
    trajectoryMsPerStep: stepsThisRun > 0 ? trajectoryMs / stepsThisRun : null,
    stepConvention: 'loss, gradient and trajectory row of step t are taken at w(t), before update t',
    trajectoryStride: config.trajectory.stride,
    tensorsInMemory: tf.memory().numTensors,
  };
  const status = canceled ? 'canceled' : 'finished';
  await recorder.finish(status, summary);
  return { status, summary };
}

/** Column-wise buffer of per-step scalars, emitted as one StepBatch per flush. */
class StepSeriesBuffer {
  private fromStep = -1;
  private columns: number[][];

  constructor(private readonly names: readonly string[]) {
    this.columns = names.map(() => []);
  }

  push(step: number, values: readonly number[]): void {
    if (this.fromStep < 0) this.fromStep = step;
    values.forEach((v, i) => {
      this.columns[i].push(v);
    });
  }

  take(): StepBatch | null {
    if (this.fromStep < 0) return null;
    const series = Object.fromEntries(
      this.names.map((name, i) => [name, Float64Array.from(this.columns[i])]),
    );
    const batch: StepBatch = { fromStep: this.fromStep, series };
    this.fromStep = -1;
    this.columns = this.names.map(() => []);
    return batch;
  }
}

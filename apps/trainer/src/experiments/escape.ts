/**
 * Experiment `escape`: escape times from a Styblinski–Tang minimum under SGD-shaped or SGLD noise
 * (seed 001 §5 and App. D.1, Thms 3.1/3.2; science-spec §2.2, §3.1–3.2, §5 items 14–15).
 *
 * Default tuning (science-spec §5.14: mean escape between 50 and 1e5 iterations): from the k = 1 local
 * minimum 2.74680 (barrier 25.23), eta = 0.02 and B = 0.05 give a mean of about 600 iterations. B is the
 * continuous batch size of the noise model C = [H]_+/B; at B >= 1 the discrete map would have to run at
 * eta * H > 2 (unstable) to escape within budget, so B < 1 here.
 */
import { createRng, type EscapeRateResult, escapeRate } from '@sgdscope/analysis';
import { z } from 'zod';
import type { RunRecorder } from '../recording/recorder.js';
import { codeVersion, TOY_BACKEND, yieldToEventLoop } from '../toy/provenance.js';
import { simulateEscapes, stCriticalPoints, stTerm } from '../toy/styblinski-tang.js';
import type { ExperimentOutcome, ExperimentRunOptions } from './registry.js';

export const escapeConfigSchema = z
  .object({
    noise: z.enum(['sgd', 'sgd-fixed', 'sgld']).default('sgd'),
    eta: z.number().positive().max(1).default(0.02),
    batchSize: z.number().positive().default(0.05),
    /** SGLD diffusion (temperature) D. */
    diffusion: z.number().positive().default(3),
    sharpness: z.number().positive().default(1),
    dimension: z.number().int().positive().max(1000).default(10),
    startMinimum: z.enum(['global', 'local']).default('local'),
    repeats: z.number().int().min(2).max(100_000).default(100),
    maxSteps: z.number().int().positive().max(100_000_000).default(100_000),
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();

export type EscapeConfig = z.infer<typeof escapeConfigSchema>;

/**
 * Simulates the repeats, records the escape times (artifacts `escape_iterations`, `escape_time` = eta x
 * iterations, `escaped` flags) and a summary with the escape rate per iteration and per unit of
 * dynamical time, estimated as in science-spec §3.2.
 */
export async function runEscapeExperiment(
  config: EscapeConfig,
  recorder: RunRecorder,
  options: ExperimentRunOptions = {},
): Promise<ExperimentOutcome> {
  await recorder.start({
    kind: 'escape',
    config: config as Record<string, unknown>,
    backend: TOY_BACKEND,
    codeVersion: codeVersion(),
    parameterCount: config.dimension,
  });
  let canceled = false;
  const sim = await simulateEscapes(config, createRng(config.seed), async (step, active) => {
    options.onProgress?.({
      step,
      totalSteps: config.maxSteps,
      message: `${config.repeats - active}/${config.repeats} escaped`,
    });
    await yieldToEventLoop();
    canceled = options.signal?.aborted === true;
    return !canceled;
  });
  const dynamical = Float64Array.from(sim.iterations, (t) => t * config.eta);
  const meta = {
    censoredValue: 'runs that never escaped hold the steps simulated',
    start: sim.start,
    col: sim.col,
  };
  await recorder.writeArtifact({
    name: 'escape_iterations',
    step: sim.stepsRun,
    shape: [config.repeats],
    data: sim.iterations,
    meta,
  });
  await recorder.writeArtifact({
    name: 'escape_time',
    step: sim.stepsRun,
    shape: [config.repeats],
    data: dynamical,
    meta: { ...meta, unit: 'dynamical time eta * iterations' },
  });
  await recorder.writeArtifact({
    name: 'escaped',
    step: sim.stepsRun,
    shape: [config.repeats],
    data: Float64Array.from(sim.escaped),
  });
  const crit = stCriticalPoints();
  const minimum = config.startMinimum === 'global' ? crit.leftMin : crit.rightMin;
  const censored = Array.from(sim.escaped, (e) => e === 0);
  const perIteration = rateOrNull(sim.iterations, censored);
  const perTime = rateOrNull(dynamical, censored);
  let sum = 0;
  let escaped = 0;
  for (let i = 0; i < config.repeats; i++) {
    sum += sim.iterations[i];
    escaped += sim.escaped[i];
  }
  const summary = {
    kind: 'escape',
    escaped,
    censored: config.repeats - escaped,
    meanIterations: sum / config.repeats,
    stepsRun: sim.stepsRun,
    barrier: stTerm(crit.col) - stTerm(minimum),
    start: sim.start,
    col: sim.col,
    ratePerIteration: perIteration,
    ratePerTime: perTime,
    minusLogRatePerTime: perTime && perTime.rate > 0 ? -Math.log(perTime.rate) : null,
    estimator:
      escaped === config.repeats
        ? '(n - 1)/sum t, exact chi-square 95% CI'
        : 'censored-exponential MLE #escaped/sum t (runs cut at the step budget count their time)',
  };
  const status = canceled ? 'canceled' : 'finished';
  await recorder.finish(status, summary);
  return { status, summary };
}

/** Escape rate via @sgdscope/analysis (science-spec §3.2), or null when it is undefined (no time elapsed). */
function rateOrNull(
  times: Float64Array,
  censored: boolean[],
): Pick<EscapeRateResult, 'rate' | 'rateCI' | 'method' | 'escaped' | 'censored'> | null {
  if (!times.some((t) => t > 0)) return null;
  const r = escapeRate(times, { censored });
  return { rate: r.rate, rateCI: r.rateCI, method: r.method, escaped: r.escaped, censored: r.censored };
}

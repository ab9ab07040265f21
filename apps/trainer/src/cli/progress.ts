/**
 * Progress display for `train` and `sweep` on stderr (stdout stays clean for results): cli-progress bars
 * with steps/s, ETA and loss on a terminal; plain periodic lines when stderr is not a TTY (CI logs, pipes).
 */
import cliProgress from 'cli-progress';
import type { ExperimentProgress } from '../experiments/registry.js';

export interface ProgressSink {
  update(progress: ExperimentProgress): void;
  /** Marks the line done with a final word (finished, canceled, failed). */
  done(status: string): void;
}

export interface ProgressBoardOptions {
  readonly stream?: NodeJS.WriteStream;
  /** Force plain lines (true) or bars (false); default: bars exactly when the stream is a TTY. */
  readonly plain?: boolean;
  /** Milliseconds between plain progress lines per run (default 5000, or SGDSCOPE_PROGRESS_INTERVAL_MS). */
  readonly intervalMs?: number;
}

/** Steps per second from the last two updates, smoothed (an exponential moving average over ~5 updates). */
class RateMeter {
  private lastStep = 0;
  private lastTime = performance.now();
  rate = 0;
  observe(step: number): number {
    const now = performance.now();
    const dt = (now - this.lastTime) / 1000;
    if (dt > 0.05 && step >= this.lastStep) {
      const instant = (step - this.lastStep) / dt;
      this.rate = this.rate === 0 ? instant : 0.8 * this.rate + 0.2 * instant;
      this.lastStep = step;
      this.lastTime = now;
    }
    return this.rate;
  }
}

function formatLoss(loss: number | undefined): string {
  return loss === undefined ? '-' : Number.isFinite(loss) ? loss.toPrecision(4) : String(loss);
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** One or more progress lines (one per run in progress). */
export class ProgressBoard {
  private readonly stream: NodeJS.WriteStream;
  private readonly plain: boolean;
  private readonly intervalMs: number;
  private readonly multibar?: cliProgress.MultiBar;

  constructor(options: ProgressBoardOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.plain = options.plain ?? !this.stream.isTTY;
    this.intervalMs = options.intervalMs ?? Number(process.env.SGDSCOPE_PROGRESS_INTERVAL_MS ?? 5000);
    if (!this.plain) {
      this.multibar = new cliProgress.MultiBar(
        {
          stream: this.stream,
          format:
            '{label} [{bar}] {percentage}% {value}/{total} | {rate} steps/s | ETA {eta_formatted} | loss {loss}',
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  /** Adds a line for one run. */
  add(label: string, total: number): ProgressSink {
    const meter = new RateMeter();
    if (this.multibar) {
      const bar = this.multibar.create(Math.max(1, total), 0, { label, rate: '-', loss: '-' });
      return {
        update: (p) => {
          const rate = meter.observe(p.step);
          bar.setTotal(Math.max(1, p.totalSteps));
          bar.update(p.step, { rate: rate.toFixed(0), loss: formatLoss(p.loss), label });
        },
        done: (status) => {
          bar.update({ label: `${label} (${status})` });
          bar.stop();
        },
      };
    }
    let lastPrint = 0;
    const started = performance.now();
    return {
      update: (p) => {
        const rate = meter.observe(p.step);
        const now = performance.now();
        if (now - lastPrint < this.intervalMs) return;
        lastPrint = now;
        const percent = p.totalSteps > 0 ? ((100 * p.step) / p.totalSteps).toFixed(1) : '?';
        const eta = rate > 0 ? formatSeconds((p.totalSteps - p.step) / rate) : '?';
        this.stream.write(
          `${label}: ${p.step}/${p.totalSteps} (${percent}%) ${rate.toFixed(0)} steps/s ETA ${eta} loss ${formatLoss(p.loss)}${p.message ? ` ${p.message}` : ''}\n`,
        );
      },
      done: (status) => {
        this.stream.write(
          `${label}: ${status} after ${formatSeconds((performance.now() - started) / 1000)}\n`,
        );
      },
    };
  }

  stop(): void {
    this.multibar?.stop();
  }
}

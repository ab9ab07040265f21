/**
 * In-process publish/subscribe of run progress, fed by `logSteps` and consumed by the
 * `runProgress` subscription. In-process is enough for one API instance; several instances
 * would need Postgres LISTEN/NOTIFY behind the same interface.
 */
import { EventEmitter, on } from 'node:events';

/** One progress event: the last step logged and its loss (when a "loss" series was logged). */
export interface RunProgressEvent {
  readonly runId: string;
  readonly step: number;
  readonly loss: number | null;
  readonly status: string;
}

export class RunProgressBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Many dashboards may watch one run; the default limit of 10 would warn spuriously.
    this.emitter.setMaxListeners(0);
  }

  publish(event: RunProgressEvent): void {
    this.emitter.emit(event.runId, event);
  }

  /** Events of one run until the consumer stops iterating. */
  async *subscribe(runId: string, signal?: AbortSignal): AsyncGenerator<RunProgressEvent> {
    for await (const [event] of on(this.emitter, runId, { signal })) {
      yield event as RunProgressEvent;
    }
  }
}

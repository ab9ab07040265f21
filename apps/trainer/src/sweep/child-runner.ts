/**
 * Entry point of a sweep child process (`sgdscope sweep --parallel N` forks N of these so runs use
 * several cores). Protocol over the IPC channel:
 *   parent -> child: { type: 'run', kind, config, runDir } | { type: 'cancel' } | { type: 'exit' }
 *   child -> parent: { type: 'progress', progress } | { type: 'result', result }
 * Ctrl-C reaches the whole process group; the child ignores SIGINT and waits for the parent's 'cancel',
 * so every run is stopped (and flushed) exactly once, by the parent's decision.
 */
import type { ExperimentProgress } from '../experiments/registry.js';
import { executeRun, type RunResult } from './execute-run.js';

export type ParentMessage =
  | {
      readonly type: 'run';
      readonly kind: string;
      readonly config: Record<string, unknown>;
      readonly runDir: string;
    }
  | { readonly type: 'cancel' }
  | { readonly type: 'exit' };

export type ChildMessage =
  | { readonly type: 'progress'; readonly progress: ExperimentProgress }
  | { readonly type: 'result'; readonly result: RunResult };

let controller: AbortController | undefined;

process.on('SIGINT', () => {
  // Deliberately ignored: the parent sends 'cancel'.
});

process.on('message', (message: ParentMessage) => {
  if (message.type === 'cancel') {
    controller?.abort();
    return;
  }
  if (message.type === 'exit') {
    process.disconnect?.();
    return;
  }
  controller = new AbortController();
  let lastSent = 0;
  void executeRun(message.kind, message.config, message.runDir, {
    signal: controller.signal,
    onProgress: (progress) => {
      // Throttle IPC to ~10 messages/s.
      const now = performance.now();
      if (now - lastSent < 100) return;
      lastSent = now;
      process.send?.({ type: 'progress', progress } satisfies ChildMessage);
    },
  }).then((result) => {
    process.send?.({ type: 'result', result } satisfies ChildMessage);
  });
});

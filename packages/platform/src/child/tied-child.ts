/**
 * Node child processes tied to this one: spawned with an IPC channel and a preload that exits the child when
 * the channel closes, so a parent killed with SIGKILL (no chance to clean up) leaves no child behind.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./exit-with-parent.cjs', import.meta.url));

/** `node <script> ...args` that exits when this process dies; stdout/stderr piped unless `options.stdio` says otherwise. */
export function spawnTiedNode(
  script: string,
  args: readonly string[],
  options: Omit<SpawnOptions, 'stdio'> = {},
): ChildProcess {
  return spawn(process.execPath, ['--require', PRELOAD, script, ...args], {
    ...options,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

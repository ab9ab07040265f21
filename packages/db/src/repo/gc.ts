import type { RepoDeps } from './context.js';

export interface GcResult {
  readonly scanned: number;
  readonly deleted: readonly string[];
}

const RUN_BLOB = /^runs\/([0-9a-f-]{36})\//;

/**
 * Deletes blobs under `runs/` that no TrajectoryChunk or Artifact row references: leftovers of a
 * crash between a blob write and its index-row commit, and blobs of deleted runs. Blobs younger than
 * `olderThanMs` (default 1 h) are kept, since a writer may be between its blob write and its commit
 * right now. `dryRun` reports without deleting. Stray temp files are swept too when the store can.
 */
export async function gcOrphanBlobs(
  deps: RepoDeps,
  options: { olderThanMs?: number; dryRun?: boolean } = {},
): Promise<GcResult> {
  const olderThanMs = options.olderThanMs ?? 3_600_000;
  const cutoff = Date.now() - olderThanMs;
  const referencedByRun = new Map<string, Set<string>>();
  async function referenced(runId: string): Promise<Set<string>> {
    let keys = referencedByRun.get(runId);
    if (!keys) {
      const [chunks, artifacts] = await Promise.all([
        deps.prisma.trajectoryChunk.findMany({ where: { runId }, select: { blobKey: true } }),
        deps.prisma.artifact.findMany({
          where: { runId, blobKey: { not: null } },
          select: { blobKey: true },
        }),
      ]);
      keys = new Set([...chunks.map((c) => c.blobKey), ...artifacts.map((a) => a.blobKey as string)]);
      referencedByRun.set(runId, keys);
    }
    return keys;
  }
  let scanned = 0;
  const deleted: string[] = [];
  for await (const entry of deps.blobs.list('runs/')) {
    scanned += 1;
    const runId = RUN_BLOB.exec(entry.key)?.[1];
    if (!runId || entry.modifiedAt.getTime() >= cutoff) continue;
    if ((await referenced(runId)).has(entry.key)) continue;
    if (!options.dryRun) await deps.blobs.delete(entry.key);
    deleted.push(entry.key);
  }
  const sweeper = deps.blobs as { sweepTempFiles?: (olderThanMs: number) => Promise<number> };
  if (!options.dryRun && typeof sweeper.sweepTempFiles === 'function')
    await sweeper.sweepTempFiles(olderThanMs);
  return { scanned, deleted };
}

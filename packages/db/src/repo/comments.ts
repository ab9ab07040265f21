/**
 * Discussion and curation on runs: comments, tags and notes. Each write is one statement, so it
 * is all-or-nothing by itself.
 */
import type { Comment, PrismaClient } from '../generated/prisma/client.js';
import { toRunRecord } from './mappers.js';
import type { RunRecord } from './types.js';

/** Add a comment to a run (runId set) or to the project (runId null). */
export async function addComment(
  prisma: PrismaClient,
  input: { projectId: string; runId: string | null; authorId: string; body: string },
): Promise<Comment> {
  return prisma.comment.create({ data: input });
}

/** Comments of each run, oldest first, in one statement (for a DataLoader). */
export async function commentsOfRuns(prisma: PrismaClient, runIds: readonly string[]): Promise<Comment[]> {
  if (runIds.length === 0) return [];
  return prisma.comment.findMany({
    where: { runId: { in: [...new Set(runIds)] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

/** Add and remove tags in one update; tags stay unique and sorted. */
export async function updateRunTags(
  prisma: PrismaClient,
  runId: string,
  change: { add?: readonly string[]; remove?: readonly string[] },
): Promise<RunRecord> {
  // Row lock so two concurrent tag edits cannot lose each other's change.
  const row = await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "Run" WHERE "id" = ${runId}::uuid FOR UPDATE`;
    const run = await tx.run.findUniqueOrThrow({ where: { id: runId }, select: { tags: true } });
    const tags = new Set(run.tags);
    for (const t of change.add ?? []) tags.add(t);
    for (const t of change.remove ?? []) tags.delete(t);
    return tx.run.update({ where: { id: runId }, data: { tags: [...tags].sort() } });
  });
  return toRunRecord(row);
}

/** Replace a run's free-text notes (null clears them). */
export async function setRunNotes(
  prisma: PrismaClient,
  runId: string,
  notes: string | null,
): Promise<RunRecord> {
  return toRunRecord(await prisma.run.update({ where: { id: runId }, data: { notes } }));
}

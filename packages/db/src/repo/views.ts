/**
 * Saved views: a frozen comparison (runs, estimator versions, chart settings, note) opened by an
 * unguessable token, so a reviewer sees exactly what the author saw.
 */
import { randomBytes } from 'node:crypto';
import type { PrismaClient, SavedView } from '../generated/prisma/client.js';
import type { InputJsonValue } from '../generated/prisma/internal/prismaNamespace.js';

/** Input of `saveView`; `estimatorVersions` is frozen from the runs' stored results when omitted. */
export interface SaveViewInput {
  readonly projectId: string;
  readonly createdById: string;
  readonly title: string;
  readonly note?: string | null;
  readonly runIds: readonly string[];
  readonly chartSettings: InputJsonValue;
}

/**
 * Store a view. Estimator versions are frozen from the newest stored result of each estimator over
 * the view's runs, in the same transaction, so a later re-analysis cannot change what the view shows.
 */
export async function saveView(prisma: PrismaClient, input: SaveViewInput): Promise<SavedView> {
  const token = randomBytes(24).toString('base64url');
  return prisma.$transaction(async (tx) => {
    const results = await tx.analysisResult.findMany({
      where: { runId: { in: [...input.runIds] }, status: 'DONE' },
      select: { estimator: true, estimatorVersion: true },
      orderBy: { id: 'asc' },
    });
    const versions: Record<string, string> = {};
    for (const r of results) versions[r.estimator] = r.estimatorVersion;
    return tx.savedView.create({
      data: {
        projectId: input.projectId,
        createdById: input.createdById,
        token,
        title: input.title,
        note: input.note ?? null,
        runIds: [...input.runIds],
        estimatorVersions: versions,
        chartSettings: input.chartSettings,
      },
    });
  });
}

/** The view with this token, or null. */
export async function viewByToken(prisma: PrismaClient, token: string): Promise<SavedView | null> {
  if (token.length > 200) return null;
  return prisma.savedView.findUnique({ where: { token } });
}

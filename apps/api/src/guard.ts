/**
 * The resolver guard: resolves what a request touches to its project and asks the access guard
 * (packages/db repo/access.ts, the one place role rules live) for the needed role. Resolvers call
 * only these functions, never role comparisons of their own.
 */
import { type OwnedKind, type ProjectRole, projectIdOf } from '@sgdscope/db/repo/access';
import type { RunRecord } from '@sgdscope/db/repo/types';
import type { ApiContext } from './context.js';
import { apiError } from './errors.js';

/** Require `role` in the project owning `id` of `kind`; returns the project id. */
export async function authorize(
  ctx: ApiContext,
  kind: OwnedKind,
  id: string,
  role: ProjectRole,
): Promise<string> {
  ctx.guard.requireCaller();
  // A project the caller is a member of exists (memberships cascade with it): the membership map,
  // loaded once per request anyway, answers without a lookup statement. Everything else resolves first,
  // so an unknown id still answers NOT_FOUND and a foreign one FORBIDDEN, exactly as before.
  if (kind === 'project' && (await ctx.guard.roleIn(id)) !== null) {
    await ctx.guard.requireRole(id, role);
    return id;
  }
  const projectId = await projectIdOf(ctx.prisma, kind, id);
  await ctx.guard.requireRole(projectId, role);
  return projectId;
}

/** Load a run through the request's DataLoader and require `role` in its project. */
export async function authorizedRun(ctx: ApiContext, runId: string, role: ProjectRole): Promise<RunRecord> {
  ctx.guard.requireCaller();
  const run = await ctx.loaders.run.load(runId);
  if (!run) throw apiError('NOT_FOUND', `run ${runId} not found`);
  await ctx.guard.requireRole(run.projectId, role);
  return run;
}

/** Load several runs (one statement) and require `role` in every owning project. Order is kept. */
export async function authorizedRuns(
  ctx: ApiContext,
  runIds: readonly string[],
  role: ProjectRole,
): Promise<RunRecord[]> {
  ctx.guard.requireCaller();
  const runs = await ctx.loaders.run.loadMany(runIds);
  const out: RunRecord[] = [];
  for (let i = 0; i < runIds.length; i++) {
    const r = runs[i];
    if (!r || r instanceof Error) throw apiError('NOT_FOUND', `run ${runIds[i]} not found`);
    await ctx.guard.requireRole(r.projectId, role);
    out.push(r);
  }
  return out;
}

/**
 * The runs of a saved view, authorized by the view's token instead of membership: whoever holds the unguessable
 * token may read exactly the runs frozen in it (the reviewer link), and only runs of the view's own project.
 */
export async function viewRuns(
  ctx: ApiContext,
  projectId: string,
  runIds: readonly string[],
): Promise<RunRecord[]> {
  const runs = await ctx.loaders.run.loadMany(runIds);
  return runs.filter((r): r is RunRecord => !!r && !(r instanceof Error) && r.projectId === projectId);
}

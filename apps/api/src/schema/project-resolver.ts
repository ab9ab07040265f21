/** Projects the caller belongs to. */
import { projectsOfUser } from '@sgdscope/db/repo/queries';
import { Ctx, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';
import type { RoleEnum } from './enums.js';
import { Project } from './types.js';

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => [Project], { description: "Projects the caller is a member of, with the caller's role." })
  async projects(@Ctx() ctx: ApiContext): Promise<Project[]> {
    const caller = ctx.guard.requireCaller();
    const rows = await projectsOfUser(ctx.prisma, caller.userId);
    return rows.map((p) => ({ ...p, role: p.role as RoleEnum }));
  }
}

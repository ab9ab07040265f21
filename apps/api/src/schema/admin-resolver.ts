/** Project administration: create project, invite member, create API key, create experiment. */

import { createProjectWithAdmin, inviteMember } from '@sgdscope/db/repo/access';
import { createApiKey } from '@sgdscope/db/repo/api-keys';
import { createExperiment } from '@sgdscope/db/repo/projects';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { authorize } from '../guard.js';
import { RoleEnum } from './enums.js';
import { InviteMemberInput } from './inputs.js';
import { CreatedApiKey, Experiment, Membership, Project } from './types.js';

@Resolver()
export class AdminResolver {
  @Mutation(() => Project, { description: 'Create a project; the caller becomes its ADMIN.' })
  async createProject(
    @Ctx() ctx: ApiContext,
    @Arg('slug', () => String, { description: 'URL name: lower-case letters, digits, dashes.' }) slug: string,
    @Arg('name', () => String, { description: 'Display name.' }) name: string,
    @Arg('description', () => String, { nullable: true, description: 'Description.' }) description:
      | string
      | null,
  ): Promise<Project> {
    const caller = ctx.guard.requireCaller();
    // Project and admin membership in one transaction: never a project nobody can administer.
    const project = await createProjectWithAdmin(
      ctx.repo,
      { slug, name, description: description ?? undefined },
      caller.userId,
    );
    ctx.guard.invalidate();
    return { ...project, role: RoleEnum.ADMIN };
  }

  @Mutation(() => Membership, {
    description: 'Add a user (created by email if new) to a project, or change their role. ADMIN only.',
  })
  async inviteMember(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => InviteMemberInput, { description: 'Invitation.' }) input: InviteMemberInput,
  ): Promise<Membership> {
    await authorize(ctx, 'project', input.projectId, 'ADMIN');
    const membership = await inviteMember(ctx.repo, {
      projectId: input.projectId,
      email: input.email,
      role: input.role.toLowerCase() as 'viewer' | 'editor' | 'admin',
    });
    return { ...membership, role: membership.role.toUpperCase() as RoleEnum };
  }

  @Mutation(() => CreatedApiKey, {
    description: 'Create an API key for the caller. The key is returned once.',
  })
  async createApiKey(
    @Ctx() ctx: ApiContext,
    @Arg('name', () => String, { description: 'Label, e.g. the machine it is used on.' }) name: string,
  ): Promise<CreatedApiKey> {
    const caller = ctx.guard.requireCaller();
    const key = await createApiKey(ctx.repo, { userId: caller.userId, name });
    return { id: key.id, prefix: key.prefix, key: key.secret };
  }

  @Mutation(() => Experiment, { description: 'Create an experiment in a project. EDITOR or above.' })
  async createExperiment(
    @Ctx() ctx: ApiContext,
    @Arg('projectId', () => ID, { description: 'Project.' }) projectId: string,
    @Arg('name', () => String, { description: 'Name, unique in the project.' }) name: string,
    @Arg('description', () => String, { nullable: true, description: 'Description.' }) description:
      | string
      | null,
  ): Promise<Experiment> {
    await authorize(ctx, 'project', projectId, 'EDITOR');
    return createExperiment(ctx.repo, { projectId, name, description: description ?? undefined });
  }
}

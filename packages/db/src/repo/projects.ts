import { type RepoDeps, withPrismaErrors } from './context.js';
import { ValidationError } from './errors.js';
import { fromDbEnum, toDbEnum } from './mappers.js';
import type { ExperimentRecord, MembershipRecord, ProjectRecord, Role, UserRecord } from './types.js';
import { assertNonEmptyString, assertUuid } from './validate.js';

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** Creates a user; emails are stored lower-case so sign-in is case-insensitive. ConflictError if taken. */
export async function createUser(
  deps: RepoDeps,
  input: { email: string; name: string },
): Promise<UserRecord> {
  const email = String(input.email ?? '')
    .trim()
    .toLowerCase();
  if (!EMAIL.test(email)) throw new ValidationError(`email "${input.email}" is not an email address`);
  assertNonEmptyString(input.name, 'user name');
  return withPrismaErrors(`user with email ${email}`, () =>
    deps.prisma.user.create({ data: { email, name: input.name.trim() } }),
  );
}

/** Creates a project; the slug (URL name) is lower-case letters, digits and dashes, 2–63 long. */
export async function createProject(
  deps: RepoDeps,
  input: { slug: string; name: string; description?: string },
): Promise<ProjectRecord> {
  if (!SLUG.test(input.slug)) throw new ValidationError(`project slug "${input.slug}" must match ${SLUG}`);
  assertNonEmptyString(input.name, 'project name');
  return withPrismaErrors(`project "${input.slug}"`, () =>
    deps.prisma.project.create({
      data: { slug: input.slug, name: input.name.trim(), description: input.description ?? null },
    }),
  );
}

/** Adds a user to a project with a role, or changes the role of an existing member. */
export async function addMember(
  deps: RepoDeps,
  input: { projectId: string; userId: string; role: Role },
): Promise<MembershipRecord> {
  assertUuid(input.projectId, 'projectId');
  assertUuid(input.userId, 'userId');
  if (!ROLES.includes(input.role)) throw new ValidationError(`role must be one of ${ROLES.join(', ')}`);
  const role = toDbEnum(input.role);
  const row = await withPrismaErrors(`membership of user ${input.userId} in project ${input.projectId}`, () =>
    deps.prisma.membership.upsert({
      where: { projectId_userId: { projectId: input.projectId, userId: input.userId } },
      create: { projectId: input.projectId, userId: input.userId, role },
      update: { role },
    }),
  );
  return { projectId: row.projectId, userId: row.userId, role: fromDbEnum<Role>(row.role) };
}

/** Creates a named experiment in a project (names unique per project). */
export async function createExperiment(
  deps: RepoDeps,
  input: { projectId: string; name: string; description?: string },
): Promise<ExperimentRecord> {
  assertUuid(input.projectId, 'projectId');
  assertNonEmptyString(input.name, 'experiment name');
  return withPrismaErrors(`experiment "${input.name}" in project ${input.projectId}`, () =>
    deps.prisma.experiment.create({
      data: { projectId: input.projectId, name: input.name.trim(), description: input.description ?? null },
    }),
  );
}

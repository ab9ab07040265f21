/**
 * Authorization: the ONE place that decides who may read or write which project's data.
 *
 * Every read or write path in the API resolves its target to a project id and calls
 * `requireRole` with the least role the action needs (viewer reads, editor writes runs,
 * admin manages members), so the role rules live here and nowhere else.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { RepoDeps } from './context.js';
import { addMember, createProject, createUser } from './projects.js';
import { rawRows } from './raw.js';
import type { MembershipRecord, ProjectRecord, Role } from './types.js';

/** A project role, weakest first. */
export type ProjectRole = 'VIEWER' | 'EDITOR' | 'ADMIN';

const ROLE_RANK: Record<ProjectRole, number> = { VIEWER: 1, EDITOR: 2, ADMIN: 3 };

/** The authenticated principal of a request. */
export interface Caller {
  readonly userId: string;
  /** How the caller proved who they are. */
  readonly via: 'apiKey' | 'session';
  /** The caller's roles, when authentication read them already (the guard then needs no statement of its own). */
  readonly memberships?: ReadonlyMap<string, ProjectRole>;
}

/** The request carried no valid credential. */
export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
}

/** The caller is known but lacks the role the action needs (or is not a member at all). */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** The object the request names does not exist. Raised before any role check so ids resolve uniformly. */
export class AccessTargetNotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** True when `held` is at least `needed`. */
export function roleSatisfies(held: ProjectRole, needed: ProjectRole): boolean {
  return ROLE_RANK[held] >= ROLE_RANK[needed];
}

/**
 * Per-request cache of the caller's memberships: one SQL statement loads them all, so a page of
 * 100 runs from several projects costs one membership query, not 100.
 */
export class AccessGuard {
  private roles: Promise<Map<string, ProjectRole>> | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    readonly caller: Caller | null,
  ) {
    if (caller?.memberships) this.roles = Promise.resolve(new Map(caller.memberships));
  }

  /** The caller, or UnauthenticatedError. */
  requireCaller(): Caller {
    if (!this.caller)
      throw new UnauthenticatedError('authentication required: send Authorization: Bearer <key>');
    return this.caller;
  }

  /** Project id -> role for every project the caller belongs to. */
  memberships(): Promise<Map<string, ProjectRole>> {
    const caller = this.requireCaller();
    if (!this.roles) {
      // Raw SQL (once per request, on every request): see raw.ts.
      this.roles = (
        isUuid(caller.userId)
          ? rawRows<{ projectId: string; role: string }>(
              this.prisma,
              'SELECT "projectId", "role"::text AS "role" FROM "Membership" WHERE "userId" = $1::uuid',
              [caller.userId],
            )
          : Promise.resolve([])
      ).then((rows) => new Map(rows.map((r) => [r.projectId, r.role as ProjectRole])));
    }
    return this.roles;
  }

  /** Forget cached memberships (after a mutation that changed them). */
  invalidate(): void {
    this.roles = undefined;
  }

  /** The caller's role in the project, or null when not a member. */
  async roleIn(projectId: string): Promise<ProjectRole | null> {
    return (await this.memberships()).get(projectId) ?? null;
  }

  /**
   * Throw unless the caller holds at least `needed` in `projectId`. Non-members get FORBIDDEN
   * with the same message whether or not the project exists, so membership cannot be probed.
   */
  async requireRole(projectId: string, needed: ProjectRole): Promise<ProjectRole> {
    const held = await this.roleIn(projectId);
    if (!held || !roleSatisfies(held, needed)) {
      throw new ForbiddenError(`this action needs the ${needed} role in the project`);
    }
    return held;
  }

  /** Project ids the caller may read. */
  async readableProjectIds(): Promise<string[]> {
    return [...(await this.memberships()).keys()];
  }
}

/** The kinds of object whose owning project the guard can resolve. */
export type OwnedKind = 'run' | 'sweep' | 'experiment' | 'project';

/**
 * The project that owns an object, or AccessTargetNotFoundError. Invalid UUIDs are reported as
 * not found rather than reaching Postgres (which would raise a cast error).
 */
export async function projectIdOf(prisma: PrismaClient, kind: OwnedKind, id: string): Promise<string> {
  if (!isUuid(id)) throw new AccessTargetNotFoundError(`${kind} ${id} not found`);
  let row: { projectId: string } | null = null;
  switch (kind) {
    case 'run':
      row = await prisma.run.findUnique({ where: { id }, select: { projectId: true } });
      break;
    case 'sweep':
      row = await prisma.sweep.findUnique({ where: { id }, select: { projectId: true } });
      break;
    case 'experiment':
      row = await prisma.experiment.findUnique({ where: { id }, select: { projectId: true } });
      break;
    case 'project': {
      const p = await prisma.project.findUnique({ where: { id }, select: { id: true } });
      row = p ? { projectId: p.id } : null;
      break;
    }
  }
  if (!row) throw new AccessTargetNotFoundError(`${kind} ${id} not found`);
  return row.projectId;
}

/** Project ids owning each of `runIds` (missing runs are absent from the map). One statement. */
export async function projectIdsOfRuns(
  prisma: PrismaClient,
  runIds: readonly string[],
): Promise<Map<string, string>> {
  const valid = runIds.filter(isUuid);
  if (valid.length === 0) return new Map();
  const rows = await prisma.run.findMany({
    where: { id: { in: valid } },
    select: { id: true, projectId: true },
  });
  return new Map(rows.map((r) => [r.id, r.projectId]));
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a syntactically valid UUID. */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** SHA-256 hex of a secret; only hashes of tokens are stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Start a browser session: returns the cookie token; the Session row stores only its hash.
 * `ttlMs` defaults to 14 days.
 */
export async function createSession(
  prisma: PrismaClient,
  userId: string,
  ttlMs = 14 * 24 * 3600 * 1000,
): Promise<{ token: string; expiresAt: Date }> {
  const token = `sess_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ttlMs);
  await prisma.session.create({ data: { userId, tokenHash: hashSecret(token), expiresAt } });
  return { token, expiresAt };
}

/** The user of an unexpired session token, or null. */
export async function verifySession(prisma: PrismaClient, token: string): Promise<string | null> {
  const row = await prisma.session.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: { userId: true, expiresAt: true },
  });
  if (!row || row.expiresAt.getTime() <= Date.now()) return null;
  return row.userId;
}

/** True once any user exists (a fresh install bootstraps its first admin otherwise). */
export async function hasAnyUser(prisma: PrismaClient): Promise<boolean> {
  return (await prisma.user.findFirst({ select: { id: true } })) !== null;
}

/**
 * Create a project with its creator as ADMIN in one transaction, so no project ever exists that
 * nobody can administer. Validation and typed errors come from the repository's createProject.
 */
export async function createProjectWithAdmin(
  deps: RepoDeps,
  input: { slug: string; name: string; description?: string },
  adminUserId: string,
): Promise<ProjectRecord> {
  return deps.prisma.$transaction(async (tx) => {
    const inTx: RepoDeps = { ...deps, prisma: tx as unknown as PrismaClient };
    const project = await createProject(inTx, input);
    await addMember(inTx, { projectId: project.id, userId: adminUserId, role: 'admin' });
    return project;
  });
}

/**
 * Grant `role` in a project to the user with `email`, creating the user (named by the email) when
 * new, in one transaction. Returns the membership with the (lower-cased) email.
 */
export async function inviteMember(
  deps: RepoDeps,
  input: { projectId: string; email: string; role: Role },
): Promise<MembershipRecord & { email: string }> {
  const email = input.email.trim().toLowerCase();
  return deps.prisma.$transaction(async (tx) => {
    const inTx: RepoDeps = { ...deps, prisma: tx as unknown as PrismaClient };
    const existing = await tx.user.findUnique({ where: { email }, select: { id: true, email: true } });
    const user = existing ?? (await createUser(inTx, { email, name: email }));
    const membership = await addMember(inTx, {
      projectId: input.projectId,
      userId: user.id,
      role: input.role,
    });
    return { ...membership, email: user.email };
  });
}

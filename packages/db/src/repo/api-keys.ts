import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ProjectRole } from './access.js';
import { type RepoDeps, withPrismaErrors } from './context.js';
import { rawRows } from './raw.js';
import { assertNonEmptyString, assertUuid } from './validate.js';

/** A freshly created key. `secret` is returned exactly once and never stored. */
export interface CreatedApiKey {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly prefix: string;
  readonly secret: string;
  readonly createdAt: Date;
}

const SECRET_FORMAT = /^sgd_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Creates an API key for a user. The secret is `sgd_<prefix>_<32 random bytes, base64url>`; the
 * database keeps the prefix (to find the row) and the SHA-256 of the whole secret. A plain hash
 * suffices because the secret has 256 bits of entropy: there is nothing to brute-force.
 */
export async function createApiKey(
  deps: RepoDeps,
  input: { userId: string; name: string },
): Promise<CreatedApiKey> {
  assertUuid(input.userId, 'userId');
  assertNonEmptyString(input.name, 'API key name');
  const prefix = randomBytes(6).toString('hex');
  const secret = `sgd_${prefix}_${randomBytes(32).toString('base64url')}`;
  const row = await withPrismaErrors(`API key for user ${input.userId}`, () =>
    deps.prisma.apiKey.create({
      data: { userId: input.userId, name: input.name.trim(), prefix, secretHash: hashSecret(secret) },
    }),
  );
  return { id: row.id, userId: row.userId, name: row.name, prefix, secret, createdAt: row.createdAt };
}

/**
 * How stale `lastUsedAt` may get before a verification rewrites it. Writing it on every request made
 * every API call a write transaction (a WAL flush per request); to the minute is what it is for.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Checks a presented secret. Returns the key and user id when it matches a key that is not revoked
 * (and records lastUsedAt, at most once per {@link LAST_USED_RESOLUTION_MS}), otherwise null:
 * malformed, unknown, wrong and revoked look the same to the caller so responses leak nothing.
 */
export async function verifyApiKey(
  deps: RepoDeps,
  secret: string,
): Promise<{ readonly keyId: string; readonly userId: string } | null> {
  const row = await checkedKeyRow(deps, secret, '');
  return row && { keyId: row.id, userId: row.userId };
}

/**
 * {@link verifyApiKey}, and the key owner's project memberships read by the same statement: every API
 * request authenticates and then needs the caller's roles, so this saves it one round trip to the database.
 */
export async function verifyApiKeyWithMemberships(
  deps: RepoDeps,
  secret: string,
): Promise<{
  readonly keyId: string;
  readonly userId: string;
  readonly memberships: ReadonlyMap<string, ProjectRole>;
} | null> {
  const row = await checkedKeyRow(
    deps,
    secret,
    `, COALESCE((SELECT json_agg(json_build_array(m."projectId", m."role"::text)) FROM "Membership" m
        WHERE m."userId" = "ApiKey"."userId"), '[]'::json) AS "memberships"`,
  );
  if (!row) return null;
  // The pg pool parses json; Prisma's raw fallback may hand it over as text.
  const pairs = (typeof row.memberships === 'string' ? JSON.parse(row.memberships) : row.memberships) as [
    string,
    ProjectRole,
  ][];
  return { keyId: row.id, userId: row.userId, memberships: new Map(pairs) };
}

/** The matching, unrevoked key row (with `extraColumns` selected), its lastUsedAt kept current; else null. */
async function checkedKeyRow(
  deps: RepoDeps,
  secret: string,
  extraColumns: string,
): Promise<{ id: string; userId: string; memberships?: unknown } | null> {
  const match = typeof secret === 'string' ? SECRET_FORMAT.exec(secret) : null;
  if (!match) return null;
  // Raw SQL: this runs on every authenticated request, and Prisma's client costs several times the statement.
  const [row] = await rawRows<{
    id: string;
    userId: string;
    secretHash: string;
    lastUsedAt: Date | null;
    revokedAt: Date | null;
    memberships?: unknown;
  }>(
    deps.prisma,
    `SELECT "id", "userId", "secretHash", "lastUsedAt", "revokedAt"${extraColumns} FROM "ApiKey" WHERE "prefix" = $1`,
    [match[1]],
  );
  if (!row || row.revokedAt) return null;
  const expected = Buffer.from(row.secretHash, 'hex');
  const actual = Buffer.from(hashSecret(secret), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await deps.prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return row;
}

/** Revokes a key; later verifications fail. Revoking twice keeps the first revocation time. */
export async function revokeApiKey(deps: RepoDeps, keyId: string): Promise<void> {
  assertUuid(keyId, 'keyId');
  await withPrismaErrors(`API key ${keyId}`, () =>
    deps.prisma.apiKey.updateMany({ where: { id: keyId, revokedAt: null }, data: { revokedAt: new Date() } }),
  );
}

/**
 * Team mode never migrates a server implicitly, so a fresh or outdated database must fail at start with
 * the command that fixes it, not later with "relation public.User does not exist" from some query.
 */
import type { PrismaClient } from '@sgdscope/db/generated/prisma/client';
import { readMigrationList, resolveMigrationPaths } from '@sgdscope/db/migrate/files';

/** Thrown when the server's schema is behind `prisma/migrations`. */
export class SchemaNotMigratedError extends Error {
  override readonly name = 'SchemaNotMigratedError';
}

/** Local migrations the database has not applied (from Prisma's `_prisma_migrations` table). */
export async function pendingMigrations(prisma: PrismaClient): Promise<string[]> {
  const local = readMigrationList(resolveMigrationPaths().migrationsDir).migrationDirectories.map(
    (d) => d.path,
  );
  const [{ exists }] = await prisma.$queryRawUnsafe<Array<{ exists: boolean }>>(
    `SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS exists`,
  );
  if (!exists) return local;
  const rows = await prisma.$queryRawUnsafe<Array<{ name: string }>>(
    'SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  const applied = new Set(rows.map((r) => r.name));
  return local.filter((name) => !applied.has(name));
}

/** Throws {@link SchemaNotMigratedError} naming the fix when migrations are pending. */
export async function assertSchemaCurrent(prisma: PrismaClient): Promise<void> {
  const pending = await pendingMigrations(prisma);
  if (pending.length === 0) return;
  throw new SchemaNotMigratedError(
    `the database has ${pending.length} pending migration(s) (${pending.slice(0, 3).join(', ')}${pending.length > 3 ? ', ...' : ''}).\n` +
      'Team mode does not migrate a server on its own: run `npm run db -- migrate deploy` with the same DATABASE_URL,\n' +
      'or start once with SGDSCOPE_MIGRATE=1.',
  );
}

import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import pg from 'pg';
import { createMigrationAdapter, type MigrationAdapterOptions } from './adapter.js';
import { parseDatabaseUrl } from './connection.js';
import { guardEnginePanics, loadSchemaEngine } from './engine.js';
import {
  type MigrationPaths,
  migrationTimestamp,
  readMigrationList,
  readSchemaFiles,
  resolveMigrationPaths,
  writeMigration,
} from './files.js';

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Options shared by the migration commands. */
export interface MigrateOptions extends Partial<MigrationPaths> {
  /** Receives the engine's JSON log lines (quiet by default). */
  log?: (line: string) => void;
  /** Adapter workaround switches (tests only; see `MigrationAdapterOptions`). */
  adapter?: MigrationAdapterOptions;
}

/**
 * Opens a wasm schema engine on `url`, runs `work`, then frees the engine and ends every pool it opened
 * (trap 6: the engine never closes them, which would otherwise keep the process alive). An engine panic
 * rejects with `SchemaEnginePanicError` instead of crashing the process.
 */
export async function withSchemaEngine<T>(
  url: string,
  options: MigrateOptions,
  work: (engine: SchemaEngine, paths: MigrationPaths) => Promise<T>,
): Promise<T> {
  const paths = resolveMigrationPaths(options);
  const Engine = await loadSchemaEngine();
  const adapter = createMigrationAdapter(url, options.adapter);
  const schemaFiles = readSchemaFiles(paths.schemaPath);
  const log = options.log ?? (() => undefined);
  let engine: SchemaEngine | undefined;
  try {
    return await guardEnginePanics(async () => {
      engine = await Engine.new(
        { datamodels: schemaFiles.map((f) => [f.path, f.content] as [string, string]) },
        (line: string) => log(line),
        adapter.factory,
      );
      return work(engine, paths);
    });
  } finally {
    try {
      engine?.free();
    } catch {
      // After a panic the instance is poisoned and freeing traps too; it is discarded anyway.
    }
    await adapter.close();
  }
}

/** Result of {@link migrateDeploy}. */
export interface DeployResult {
  appliedMigrationNames: string[];
  durationMs: number;
}

/**
 * `prisma migrate deploy`: applies every migration in `prisma/migrations` not yet recorded in the
 * database's `_prisma_migrations` table (creating the table on first use), via the wasm engine's
 * `applyMigrations`. Never generates SQL and never needs a shadow database.
 */
export async function migrateDeploy(url: string, options: MigrateOptions = {}): Promise<DeployResult> {
  const started = performance.now();
  const out = await withSchemaEngine(url, options, (engine, paths) =>
    engine.applyMigrations({ migrationsList: readMigrationList(paths.migrationsDir), filters: NO_FILTER }),
  );
  return { appliedMigrationNames: out.appliedMigrationNames, durationMs: performance.now() - started };
}

/** Result of {@link migrateStatus}. */
export interface MigrationStatus {
  /** Names in `prisma/migrations`, oldest first. */
  local: string[];
  /** Names finished in `_prisma_migrations`, in application order. */
  applied: string[];
  /** Local migrations the database has not applied. */
  pending: string[];
  /** Applied in the database but missing locally. */
  unknownApplied: string[];
  failed: string[];
  edited: string[];
  hasMigrationsTable: boolean;
  /** True when nothing is pending, failed, edited or unknown. */
  upToDate: boolean;
}

/**
 * `prisma migrate status`: the engine's `diagnoseMigrationHistory` (no shadow database) combined with a
 * direct read of `_prisma_migrations` for the applied list.
 */
export async function migrateStatus(url: string, options: MigrateOptions = {}): Promise<MigrationStatus> {
  const paths = resolveMigrationPaths(options);
  const migrationsList = readMigrationList(paths.migrationsDir);
  const local = migrationsList.migrationDirectories.map((d) => d.path);
  const diagnosis = await withSchemaEngine(url, options, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER }),
  );
  const applied = diagnosis.hasMigrationsTable ? await readAppliedMigrations(url) : [];
  const appliedSet = new Set(applied);
  const localSet = new Set(local);
  const pending = local.filter((name) => !appliedSet.has(name));
  const unknownApplied = applied.filter((name) => !localSet.has(name));
  const status: MigrationStatus = {
    local,
    applied,
    pending,
    unknownApplied,
    failed: diagnosis.failedMigrationNames,
    edited: diagnosis.editedMigrationNames,
    hasMigrationsTable: diagnosis.hasMigrationsTable,
    upToDate: false,
  };
  status.upToDate =
    pending.length === 0 &&
    unknownApplied.length === 0 &&
    status.failed.length === 0 &&
    status.edited.length === 0;
  return status;
}

async function readAppliedMigrations(url: string): Promise<string[]> {
  const pool = new pg.Pool({ ...parseDatabaseUrl(url), max: 1 });
  try {
    const { rows } = await pool.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY started_at, migration_name',
    );
    return rows.map((r) => r.migration_name);
  } finally {
    await pool.end();
  }
}

/** Result of {@link migrateDev}. */
export interface DevResult {
  /** Folder name of the new migration, or `null` when the schema already matches the history. */
  createdMigrationName: string | null;
  createdMigrationPath: string | null;
  /** Migrations applied to the database by this call (pending ones plus the new one). */
  appliedMigrationNames: string[];
}

/**
 * `prisma migrate dev --name <name>`: brings the database up to the history, asks the engine for the
 * SQL from history to schema (replayed in a shadow database it creates and drops), writes it as
 * `<timestamp>_<name>/migration.sql`, and applies it.
 *
 * Order matters (trap 2): `applyMigrations` first (creates `_prisma_migrations` on a fresh database),
 * then `devDiagnostic` (fills the engine's shadow-database cache), then `createMigration`.
 * A `reset` diagnosis (drift, edited migrations) is reported as an error: we never drop user data.
 */
export async function migrateDev(
  url: string,
  name: string,
  options: MigrateOptions = {},
): Promise<DevResult> {
  if (!/^[A-Za-z0-9_]+$/.test(name))
    throw new Error(`Migration name must match [A-Za-z0-9_]+, got "${name}"`);
  return withSchemaEngine(url, options, async (engine, paths) => {
    const before = await engine.applyMigrations({
      migrationsList: readMigrationList(paths.migrationsDir),
      filters: NO_FILTER,
    });
    const diagnostic = await engine.devDiagnostic({
      migrationsList: readMigrationList(paths.migrationsDir),
      filters: NO_FILTER,
    });
    if (diagnostic.action.tag === 'reset') {
      throw new Error(`migrate dev needs a database reset, refusing: ${diagnostic.action.reason}`);
    }
    const created = await engine.createMigration({
      draft: false,
      migrationName: name,
      migrationsList: readMigrationList(paths.migrationsDir),
      schema: { files: readSchemaFiles(paths.schemaPath) },
      filters: NO_FILTER,
    });
    if (created.migrationScript === null) {
      return {
        createdMigrationName: null,
        createdMigrationPath: null,
        appliedMigrationNames: before.appliedMigrationNames,
      };
    }
    const folder = created.generatedMigrationName || `${migrationTimestamp()}_${name}`;
    const file = writeMigration(paths.migrationsDir, folder, created.migrationScript);
    const after = await engine.applyMigrations({
      migrationsList: readMigrationList(paths.migrationsDir),
      filters: NO_FILTER,
    });
    return {
      createdMigrationName: folder,
      createdMigrationPath: file,
      appliedMigrationNames: [...before.appliedMigrationNames, ...after.appliedMigrationNames],
    };
  });
}

/**
 * SQL that would take the migration history to the schema (`prisma migrate diff --from-migrations
 * --to-schema-datamodel --script`). The history is replayed in a shadow database next to `url`.
 * Empty (only comments/whitespace) means schema and history agree: the CI check that migrating an
 * up-to-date database creates no new migration.
 */
export async function diffMigrationsToSchema(url: string, options: MigrateOptions = {}): Promise<string> {
  return withSchemaEngine(url, options, async (engine, paths) => {
    const result = await engine.diff({
      from: { tag: 'migrations', ...readMigrationList(paths.migrationsDir) },
      to: { tag: 'schemaDatamodel', files: readSchemaFiles(paths.schemaPath) },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return result.stdout ?? '';
  });
}

/**
 * SQL creating the whole schema from nothing (`prisma migrate diff --from-empty --to-schema-datamodel
 * --script`): how the `_init` migration was produced. `url` only satisfies the engine's constructor.
 */
export async function diffEmptyToSchema(url: string, options: MigrateOptions = {}): Promise<string> {
  return withSchemaEngine(url, options, async (engine, paths) => {
    const result = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: readSchemaFiles(paths.schemaPath) },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return result.stdout ?? '';
  });
}

/** True when a diff script contains no SQL statement (the engine emits a comment for an empty diff). */
export function isEmptyMigrationScript(script: string): boolean {
  return (
    script
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('--')).length === 0
  );
}

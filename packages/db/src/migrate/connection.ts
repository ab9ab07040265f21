import pg from 'pg';

/** Discrete connection fields: adapter-pg's shadow handling misbehaves with a bare `connectionString`. */
export interface PgConnectionFields {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

/** Splits a `postgresql://user:pass@host:port/db` URL into the discrete fields `pg.Pool` accepts. */
export function parseDatabaseUrl(url: string): PgConnectionFields {
  const parsed = new URL(url);
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new Error(`Not a PostgreSQL URL (expected postgresql://...): ${redactUrl(url)}`);
  }
  const fields: PgConnectionFields = {
    host: decodeURIComponent(parsed.hostname) || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || 'postgres',
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
  };
  if (parsed.password) fields.password = decodeURIComponent(parsed.password);
  return fields;
}

/** Builds a URL from discrete fields (inverse of {@link parseDatabaseUrl}). */
export function formatDatabaseUrl(fields: PgConnectionFields): string {
  const auth = fields.password
    ? `${encodeURIComponent(fields.user)}:${encodeURIComponent(fields.password)}`
    : encodeURIComponent(fields.user);
  return `postgresql://${auth}@${fields.host}:${fields.port}/${encodeURIComponent(fields.database)}`;
}

/** Hides the password of a URL for log and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Quotes an SQL identifier (database names are generated, but never trust them into DDL unquoted). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** True when the server behind `pool` is PGlite (one database per instance, so no `CREATE DATABASE` shadow). */
export async function isPglite(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ version: string }>('SELECT version() AS version');
  return /PGlite/i.test(rows[0]?.version ?? '');
}

import type { BlobStore } from '../blob/store.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { ConflictError, NotFoundError } from './errors.js';

/** What every repository function needs: the Prisma client (from createDb) and the blob store. */
export interface RepoDeps {
  readonly prisma: PrismaClient;
  readonly blobs: BlobStore;
}

/** A client usable inside or outside an interactive transaction. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** Interactive transactions that write blobs' index rows or many chunks need more than Prisma's 5 s default. */
export const TX_OPTIONS = { timeout: 60_000, maxWait: 30_000 } as const;

function prismaCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Translates Prisma's known request errors into the repository's typed errors, naming `what` so the
 * message says which entity collided or is missing. Anything else is rethrown unchanged.
 */
export function translatePrismaError(error: unknown, what: string): never {
  switch (prismaCode(error)) {
    case 'P2002':
      throw new ConflictError(`${what} already exists`);
    case 'P2003':
      throw new NotFoundError(`${what}: a referenced row does not exist`);
    case 'P2025':
      throw new NotFoundError(`${what} not found`);
    default:
      throw error;
  }
}

/** Runs `fn` and translates Prisma errors (see translatePrismaError). */
export async function withPrismaErrors<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    return translatePrismaError(error, what);
  }
}

/**
 * Takes the run's row lock for the rest of the transaction. Every write that must be ordered per run
 * (step appends, chunk index rows, lastStep) goes through it, so concurrent writers to one run
 * serialise while different runs proceed in parallel.
 */
export async function lockRun(tx: Tx, runId: string): Promise<{ lastStep: number; status: string }> {
  const rows = await tx.$queryRaw<{ lastStep: number; status: string }[]>`
    SELECT "lastStep", "status"::text AS "status" FROM "Run" WHERE "id" = ${runId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError(`run ${runId} not found`);
  return rows[0];
}

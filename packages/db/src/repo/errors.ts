/**
 * Typed failures of the repository layer. Callers (trainer, API) branch on the class, never on Prisma
 * error codes, so the storage engine stays an implementation detail.
 */

/** Input that can never be stored as given (wrong shape, NaN where forbidden, bad identifier). */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
}

/** A referenced row (run, project, user, series, artifact) does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/**
 * The write contradicts what is already stored: an overlapping step range with different values, a
 * repeated chunk sequence number with different content, a duplicate unique name, a finished run.
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** Stored bytes no longer match their recorded SHA-256: the blob or row was corrupted or replaced. */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

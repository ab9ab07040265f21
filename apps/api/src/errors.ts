/**
 * One mapping from domain errors to GraphQL error codes. Clients branch on `extensions.code`;
 * anything unexpected becomes INTERNAL_SERVER_ERROR with a generic message and no stack trace.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The codes this API answers with. */
export type ApiErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_SERVER_ERROR';

/** An error raised by the API layer itself with an explicit code. */
export function apiError(code: ApiErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Domain error class names (repository, access, analysis) and the code each maps to. */
const CODE_BY_NAME: Readonly<Record<string, ApiErrorCode>> = {
  ValidationError: 'BAD_USER_INPUT',
  AnalysisInputError: 'BAD_USER_INPUT',
  NpyFormatError: 'BAD_USER_INPUT',
  QueryInputError: 'BAD_USER_INPUT',
  ArgumentValidationError: 'BAD_USER_INPUT',
  NotFoundError: 'NOT_FOUND',
  ForbiddenError: 'FORBIDDEN',
  UnauthenticatedError: 'UNAUTHENTICATED',
  ConflictError: 'CONFLICT',
};

/** Code for any thrown value; matched by class name so layers need not share error classes. */
export function codeOf(err: unknown): ApiErrorCode {
  if (err instanceof GraphQLError) {
    const code = err.extensions?.code;
    if (typeof code === 'string') return code as ApiErrorCode;
  }
  if (err instanceof Error) {
    const byName = CODE_BY_NAME[err.name] ?? CODE_BY_NAME[err.constructor.name];
    if (byName) return byName;
    // Prisma's "record not found" (P2025) and unique violations (P2002) carry a code property.
    const prismaCode = (err as { code?: unknown }).code;
    if (prismaCode === 'P2025') return 'NOT_FOUND';
    if (prismaCode === 'P2002') return 'CONFLICT';
  }
  return 'INTERNAL_SERVER_ERROR';
}

/**
 * Apollo `formatError`: keep messages of known errors, hide internals of unknown ones (logged
 * server-side), and never include a stack trace.
 */
export function formatApiError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  const existing = formatted.extensions?.code;
  let code: string = codeOf(original);
  // Apollo's own request errors (parse, validation, bad variables) already carry a good code.
  if (
    code === 'INTERNAL_SERVER_ERROR' &&
    typeof existing === 'string' &&
    existing !== 'INTERNAL_SERVER_ERROR'
  ) {
    code = existing;
  }
  // A code-less GraphQLError wrapping nothing comes from graphql-js itself (variable or literal
  // coercion, e.g. Infinity for a Float): the client's input is at fault, not the server.
  if (code === 'INTERNAL_SERVER_ERROR' && original instanceof GraphQLError && !original.originalError) {
    code = 'BAD_USER_INPUT';
  }
  if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED') {
    return { message: formatted.message, locations: formatted.locations, extensions: { code } };
  }
  if (code === 'INTERNAL_SERVER_ERROR') {
    console.error('[api] internal error:', original);
    return { message: 'Internal server error', path: formatted.path, extensions: { code } };
  }
  const extensions: Record<string, unknown> = { code };
  const validationErrors = (original as { validationErrors?: unknown } | null)?.validationErrors;
  if (Array.isArray(validationErrors)) {
    extensions.validation = validationErrors.map(
      (v: { property?: string; constraints?: Record<string, string> }) => ({
        property: v.property,
        constraints: v.constraints,
      }),
    );
  }
  return { message: formatted.message, path: formatted.path, locations: formatted.locations, extensions };
}

import { cookies } from 'next/headers';
import type { TypedDocument } from './generated';

/**
 * Server-side GraphQL client. The web app talks to nothing but the API; the API key of the signed-in user lives
 * in an httpOnly cookie and is forwarded as a bearer token, so it never reaches browser JavaScript.
 */
export const API_URL = process.env.SGDSCOPE_API_URL ?? 'http://127.0.0.1:4000';
export const KEY_COOKIE = 'sgdscope_key';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: ReadonlyArray<{ message: string; extensions?: { code?: string } }>;
}

export interface GqlOptions {
  /** Send no API key (saved views open by token alone). */
  anonymous?: boolean;
}

/**
 * Sends one operation. Given a generated document (lib/generated.ts, from lib/operations.graphql and the API's
 * SDL) the result and the variables are typed by the operation itself; a raw query string falls back to a
 * caller-stated result type.
 */
export async function gql<Result, Variables>(
  document: TypedDocument<Result, Variables>,
  ...rest: Record<string, never> extends Variables
    ? [variables?: Variables, options?: GqlOptions]
    : [variables: Variables, options?: GqlOptions]
): Promise<Result>;
export async function gql<T>(
  query: string,
  variables?: Record<string, unknown>,
  options?: GqlOptions,
): Promise<T>;
export async function gql<T>(
  document: string | TypedDocument<T, unknown>,
  variables: unknown = {},
  options: GqlOptions = {},
): Promise<T> {
  const query = typeof document === 'string' ? document : document.query;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!options.anonymous) {
    const key = (await cookies()).get(KEY_COOKIE)?.value ?? process.env.SGDSCOPE_API_KEY;
    if (key) headers.authorization = `Bearer ${key}`;
  }
  let res: Response;
  try {
    res = await fetch(`${API_URL}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(`The sgdscope API at ${API_URL} is not reachable.`, 'UNAVAILABLE');
  }
  const body = (await res.json().catch(() => ({}))) as GraphQLResponse<T>;
  if (body.errors?.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, first.extensions?.code);
  }
  if (!body.data) throw new ApiError(`The API answered ${res.status} without data.`, 'INTERNAL');
  return body.data;
}

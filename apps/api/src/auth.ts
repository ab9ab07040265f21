/**
 * Authentication: `Authorization: Bearer <key>` with an API key (`sgd_...`, verified by the
 * repository) or a session token (`sess_...`, also accepted from the `sgdscope_session` cookie).
 * A request with no credential is anonymous (resolvers then answer UNAUTHENTICATED); a request with
 * a wrong credential is refused outright, so a typo never silently downgrades to anonymous.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type Caller, UnauthenticatedError, verifySession } from '@sgdscope/db/repo/access';
import { verifyApiKeyWithMemberships } from '@sgdscope/db/repo/api-keys';
import type { RepoDeps } from '@sgdscope/db/repo/context';

const SESSION_COOKIE = 'sgdscope_session';

function bearerToken(headers: Pick<IncomingHttpHeaders, 'authorization' | 'cookie'>): string | null {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!m) throw new UnauthenticatedError('Authorization header must be "Bearer <key>"');
    return m[1];
  }
  const cookie = headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === SESSION_COOKIE) return decodeURIComponent(v.join('='));
    }
  }
  return null;
}

/** The caller identified by the request headers, null when anonymous; UnauthenticatedError when invalid. */
export async function authenticate(
  repo: RepoDeps,
  headers: Pick<IncomingHttpHeaders, 'authorization' | 'cookie'>,
): Promise<Caller | null> {
  const token = bearerToken(headers);
  if (token === null) return null;
  if (token.startsWith('sess_')) {
    const userId = await verifySession(repo.prisma, token);
    if (!userId) throw new UnauthenticatedError('session expired or unknown');
    return { userId, via: 'session' };
  }
  const key = await verifyApiKeyWithMemberships(repo, token);
  if (!key) throw new UnauthenticatedError('API key unknown or revoked');
  return { userId: key.userId, via: 'apiKey', memberships: key.memberships };
}

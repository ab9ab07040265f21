/**
 * First-user bootstrap and the demo reviewer credential. API keys are stored hashed, so a secret exists in
 * clear exactly once: the admin key is printed when created and never again; the demo key (read-only, for
 * the web app before sign-in) is kept in a 0600 file in the data directory so a second start can hand it
 * to the web app again without minting a new key every time.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hasAnyUser } from '@sgdscope/db/repo/access';
import { createApiKey, verifyApiKey } from '@sgdscope/db/repo/api-keys';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { createUser } from '@sgdscope/db/repo/projects';

export interface AdminBootstrap {
  /** The admin user (created now or found: the earliest user). */
  readonly userId: string;
  /** The admin API key, only when it was created by this call. */
  readonly freshSecret: string | undefined;
}

/**
 * On a database without users, creates the admin (`SGDSCOPE_ADMIN_EMAIL`, default admin@localhost.localdomain)
 * and one API key, as apps/api/src/main.ts does; otherwise returns the earliest user.
 */
export async function ensureAdmin(repo: RepoDeps, email: string): Promise<AdminBootstrap> {
  if (!(await hasAnyUser(repo.prisma))) {
    const user = await createUser(repo, { email, name: 'Admin' });
    const key = await createApiKey(repo, { userId: user.id, name: 'bootstrap' });
    return { userId: user.id, freshSecret: key.secret };
  }
  const first = await repo.prisma.user.findFirstOrThrow({
    orderBy: { createdAt: 'asc' },
    select: { id: true },
  });
  return { userId: first.id, freshSecret: undefined };
}

/**
 * The demo user's key: read from `keyFile` if it still verifies, otherwise a new key is created for the
 * user and written there (mode 0600).
 */
export async function ensureDemoKey(repo: RepoDeps, userId: string, keyFile: string): Promise<string> {
  if (existsSync(keyFile)) {
    const secret = readFileSync(keyFile, 'utf8').trim();
    const verified = await verifyApiKey(repo, secret).catch(() => null);
    if (verified && verified.userId === userId) return secret;
  }
  const key = await createApiKey(repo, { userId, name: 'demo reviewer (web)' });
  mkdirSync(dirname(keyFile), { recursive: true });
  writeFileSync(keyFile, `${key.secret}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return key.secret;
}

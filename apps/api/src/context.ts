/**
 * Per-request context: the authenticated caller, the access guard (the one place roles are
 * checked) and DataLoaders (so a page of runs costs a fixed number of SQL statements, not N+1).
 */

import type { PrismaClient } from '@sgdscope/db/generated/prisma/client';
import { AccessGuard, type Caller } from '@sgdscope/db/repo/access';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { createLoaders, type Loaders } from './loaders.js';
import type { RunProgressBus } from './pubsub.js';

/** Long-lived services shared by all requests. */
export interface ApiServices {
  /** Repository dependencies (Prisma client + blob store). */
  readonly repo: RepoDeps;
  readonly progress: RunProgressBus;
}

/** What every resolver receives. */
export interface ApiContext {
  readonly services: ApiServices;
  readonly repo: RepoDeps;
  readonly prisma: PrismaClient;
  readonly guard: AccessGuard;
  readonly caller: Caller | null;
  readonly loaders: Loaders;
}

/** Build a fresh context (fresh loaders and membership cache) for one request. */
export function createContext(services: ApiServices, caller: Caller | null): ApiContext {
  return {
    services,
    repo: services.repo,
    prisma: services.repo.prisma,
    guard: new AccessGuard(services.repo.prisma, caller),
    caller,
    loaders: createLoaders(services.repo.prisma),
  };
}

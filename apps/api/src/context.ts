/**
 * Per-request context: the authenticated caller, the access guard (the one place roles are
 * checked) and DataLoaders (so a page of runs costs a fixed number of SQL statements, not N+1).
 */

import type { PrismaClient } from '@sgdscope/db/generated/prisma/client';
import { AccessGuard, type Caller } from '@sgdscope/db/repo/access';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import type { JsonObject } from '@sgdscope/db/repo/types';
import { CurveCache } from './curve-cache.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { RunProgressBus } from './pubsub.js';

/** A run as the trainer's queue takes it. */
export interface QueuedRunRef {
  readonly id: string;
  /** Trainer kind, lower case (network, fractal_landscape, escape, phase_diagram). */
  readonly kind: string;
  readonly config: JsonObject;
}

/**
 * The trainer's run queue, when the API runs next to one (the platform passes pg-boss). Without it, created
 * runs stay QUEUED until a worker's recovery sweep puts them on the queue (team mode, every 15 s).
 */
export interface RunQueueService {
  /** Throws an error whose message lists what is wrong when `config` is not a valid `kind` config. */
  validate(kind: string, config: JsonObject): Promise<void>;
  /** Puts created runs on the queue. */
  enqueue(runs: readonly QueuedRunRef[]): Promise<void>;
}

/** Long-lived services shared by all requests. */
export interface ApiServices {
  /** Repository dependencies (Prisma client + blob store). */
  readonly repo: RepoDeps;
  readonly progress: RunProgressBus;
  readonly runQueue?: RunQueueService;
  /** Decoded curves shared by all requests (startApiServer makes one from the environment when absent). */
  readonly curveCache?: CurveCache;
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

/** Without a shared cache, each request decodes what it reads (nothing is kept). */
const noCurveCache = new CurveCache(0);

/** Build a fresh context (fresh loaders and membership cache) for one request. */
export function createContext(services: ApiServices, caller: Caller | null): ApiContext {
  return {
    services,
    repo: services.repo,
    prisma: services.repo.prisma,
    guard: new AccessGuard(services.repo.prisma, caller),
    caller,
    loaders: createLoaders(services.repo.prisma, services.curveCache ?? noCurveCache),
  };
}

/** URL routing for the non-GraphQL endpoints; each handler authenticates through the same context. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext, ApiServices } from '../context.js';
import type { BodyLimits } from './server.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface RouteDeps {
  readonly graphql: RouteHandler;
  readonly services: ApiServices;
  readonly limits: BodyLimits;
  readonly contextFor: (req: IncomingMessage) => Promise<ApiContext>;
}

/** Binary/HTTP side endpoints, registered by their modules (ingest, export, import). */
export interface SideRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handle: (
    req: IncomingMessage,
    res: ServerResponse,
    match: RegExpExecArray,
    deps: RouteDeps,
    ctx: ApiContext,
  ) => Promise<void>;
}

const sideRoutes: SideRoute[] = [];

/** Register a side endpoint (called at module load by each endpoint module). */
export function registerRoute(route: SideRoute): void {
  sideRoutes.push(route);
}

/** Dispatch one request. */
export async function routeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: RouteDeps,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/graphql') {
    await deps.graphql(req, res);
    return;
  }
  if (url.pathname === '/' && req.method === 'GET') {
    res.writeHead(302, { location: '/graphql' });
    res.end();
    return;
  }
  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  for (const route of sideRoutes) {
    if (route.method !== req.method) continue;
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    const ctx = await deps.contextFor(req);
    await route.handle(req, res, match, deps, ctx);
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      errors: [{ message: `no route ${req.method} ${url.pathname}`, extensions: { code: 'NOT_FOUND' } }],
    }),
  );
}

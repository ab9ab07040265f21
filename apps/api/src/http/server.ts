/**
 * The HTTP server: GraphQL (Apollo) on /graphql, graphql-ws subscriptions on the same port and path,
 * a local query explorer, and the binary ingest / export / import endpoints. Plain node:http, so
 * every route shares one body-size policy and one error format.
 */
import 'reflect-metadata';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { Caller } from '@sgdscope/db/repo/access';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticate } from '../auth.js';
import { type ApiContext, type ApiServices, createContext } from '../context.js';
import { CurveCache } from '../curve-cache.js';
import { codeOf, formatApiError } from '../errors.js';
import { costLimitPlugin, depthRule } from '../limits.js';
import { buildApiSchema } from '../schema/build.js';
import { stringifyResponse } from '../schema/scalars.js';
import { PayloadTooLargeError, readBody } from './body.js';
import { explorerHtml } from './explorer.js';
import './export.js';
import './import.js';
import './ingest.js';
import { type RouteHandler, routeRequest } from './routes.js';

/** Request body caps. GraphQL bodies are small; binary chunk uploads get their own, larger cap. */
export interface BodyLimits {
  readonly graphqlBytes: number;
  readonly binaryBytes: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = {
  graphqlBytes: 16 * 1024 * 1024,
  binaryBytes: 256 * 1024 * 1024,
};

export interface ApiServerOptions {
  readonly services: ApiServices;
  readonly port?: number;
  readonly host?: string;
  readonly limits?: Partial<BodyLimits>;
}

export interface RunningApiServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly schema: GraphQLSchema;
  close(): Promise<void>;
}

/** Write a JSON error body in the GraphQL error shape, so every route fails the same way. */
export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
};

/** Map any thrown value to an HTTP error response (no stack traces leave the server). */
export function sendThrown(res: ServerResponse, err: unknown): void {
  // The client went away mid-request (dropped upload): nothing to answer, nothing was stored.
  if ((err as { code?: unknown } | null)?.code === 'ECONNRESET') {
    res.destroy();
    return;
  }
  if (err instanceof PayloadTooLargeError) {
    sendError(res, 413, 'PAYLOAD_TOO_LARGE', err.message);
    return;
  }
  const code = codeOf(err);
  if (code === 'INTERNAL_SERVER_ERROR') {
    console.error('[api] internal error:', err);
    sendError(res, 500, code, 'Internal server error');
    return;
  }
  sendError(res, STATUS_BY_CODE[code] ?? 400, code, err instanceof Error ? err.message : String(err));
}

/** Start the API server; resolves once it listens. Port 0 picks a free port. */
export async function startApiServer(apiOptions: ApiServerOptions): Promise<RunningApiServer> {
  const options: ApiServerOptions = {
    ...apiOptions,
    services: { ...apiOptions.services, curveCache: apiOptions.services.curveCache ?? CurveCache.fromEnv() },
  };
  const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS, ...options.limits };
  const schema = await buildApiSchema();
  const apollo = new ApolloServer<ApiContext>({
    schema,
    validationRules: [depthRule()],
    // No cache hints are used (responses are per caller), and the default cache-control plugin hooks every field.
    plugins: [costLimitPlugin(schema), ApolloServerPluginCacheControlDisabled()],
    formatError: formatApiError,
    // Float lists are spliced in as memoized JSON text (byte-identical to JSON.stringify's output).
    stringifyResult: stringifyResponse,
    includeStacktraceInErrorResponses: false,
    introspection: true,
  });
  await apollo.start();

  const contextFor = async (req: IncomingMessage): Promise<ApiContext> => {
    const caller: Caller | null = await authenticate(options.services.repo, req.headers);
    return createContext(options.services, caller);
  };
  // Apollo reports context failures as 500 unless told otherwise: a bad credential is a 401.
  const graphqlContextFor = async (req: IncomingMessage): Promise<ApiContext> => {
    try {
      return await contextFor(req);
    } catch (err) {
      const code = codeOf(err);
      if (code === 'INTERNAL_SERVER_ERROR') throw err;
      throw new GraphQLError(err instanceof Error ? err.message : String(err), {
        extensions: { code, http: { status: STATUS_BY_CODE[code] ?? 400 } },
      });
    }
  };

  const graphqlHandler: RouteHandler = async (req, res) => {
    if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(explorerHtml());
      return;
    }
    const body = req.method === 'POST' ? await readBody(req, limits.graphqlBytes) : Buffer.alloc(0);
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    }
    let parsed: unknown;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        sendError(res, 400, 'BAD_USER_INPUT', 'request body is not valid JSON');
        return;
      }
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsed },
      context: () => graphqlContextFor(req),
    });
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of result.headers) outHeaders[k] = v;
    res.writeHead(result.status ?? 200, outHeaders);
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  const server = createServer((req, res) => {
    routeRequest(req, res, { graphql: graphqlHandler, services: options.services, limits, contextFor }).catch(
      (err) => sendThrown(res, err),
    );
  });

  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 1024 * 1024 });
  const wsCleanup = useServer(
    {
      schema,
      context: async (wsCtx) => {
        const params = wsCtx.connectionParams ?? {};
        const auth = typeof params.authorization === 'string' ? params.authorization : undefined;
        const caller = await authenticate(options.services.repo, { authorization: auth });
        return createContext(options.services, caller);
      },
      // Same error codes over WebSocket as over HTTP (Apollo's formatError is not in this path).
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((e) => formatApiError(e.toJSON(), e)) }
          : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatApiError(e.toJSON(), e)),
    },
    wss,
  );

  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    schema,
    async close() {
      await wsCleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await apollo.stop();
    },
  };
}

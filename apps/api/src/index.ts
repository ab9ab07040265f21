/** @sgdscope/api: the GraphQL server, for embedding (tests, bench, other processes). */
export { authenticate } from './auth.js';
export { type ApiServices, createContext } from './context.js';
export { type ApiServerOptions, type RunningApiServer, startApiServer } from './http/server.js';
export { RunProgressBus } from './pubsub.js';
export { buildApiSchema } from './schema/build.js';

// Entry of the compute worker (pool.ts). The sources are TypeScript run through tsx, and on Node 20 the loader
// hooks that tsx registers on the main thread do not reach worker threads: register tsx here, then load the
// worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

/**
 * Child process of the trajectory crash test: writes one chunk and SIGKILLs itself at the requested
 * point (after the blob write, or inside the open transaction right before COMMIT), as a machine
 * losing power would. Args: <databaseUrl> <blobRoot> <runId> <after-blob|before-commit>.
 */
import { LocalBlobStore } from '../src/blob/index.js';
import { createDb } from '../src/client.js';
import { writeTrajectoryChunk } from '../src/repo/index.js';

const [url, blobRoot, runId, point] = process.argv.slice(2);
const db = await createDb({ url, migrate: false, maxConnections: 2 });
const die = () => {
  process.kill(process.pid, 'SIGKILL');
};
const rows = 8;
const d = 16;
await writeTrajectoryChunk(
  { prisma: db.prisma, blobs: new LocalBlobStore(blobRoot) },
  runId,
  {
    seq: 1,
    fromStep: 8,
    rows,
    d,
    dtype: 'float32',
    data: Float32Array.from({ length: rows * d }, (_, i) => i),
  },
  point === 'after-blob' ? { afterBlobWrite: die } : { beforeCommit: die },
);
// Reaching this line means the kill did not happen: the parent treats exit code 3 as a test failure.
process.exit(3);

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { enqueueRun, openRunQueue } from '../src/worker/index.js';

const BIN = fileURLToPath(new URL('../bin/sgdscope.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sgdscope-worker-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sgdscope worker on the embedded database (no DATABASE_URL)', () => {
  it('serves PGlite in-process, runs one queued run, and stops cleanly on SIGINT', async () => {
    const port = 55400 + Math.floor(Math.random() * 100);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SGDSCOPE_DATA_DIR: join(dir, 'state'),
      SGDSCOPE_PG_PORT: String(port),
    };
    delete env.DATABASE_URL;
    const child = spawn(
      process.execPath,
      [BIN, 'worker', '--files', join(dir, 'runs'), '--concurrency', '3'],
      {
        env,
      },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const waitFor = (pattern: RegExp, ms: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${pattern} within ${ms} ms; stderr:\n${stderr}`)),
          ms,
        );
        const check = (): void => {
          if (pattern.test(stderr)) {
            clearTimeout(timer);
            child.stderr.off('data', check);
            resolve();
          }
        };
        child.stderr.on('data', check);
        check();
      });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    try {
      await waitFor(/1 slot\(s\) on embedded PGlite/, 60_000); // --concurrency 3 is forced to 1 on PGlite
      const queue = await openRunQueue({
        connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      });
      try {
        await enqueueRun(queue, 'embedded-run-1', 'escape', { repeats: 5, seed: 4 });
      } finally {
        await queue.stop({ graceful: false, wait: true });
      }
      await waitFor(/run embedded-run-1 \(escape\): finished/, 30_000);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, stderr);
    const run = JSON.parse(readFileSync(join(dir, 'runs', 'embedded-run-1', 'run.json'), 'utf8'));
    assert.equal(run.status, 'finished');
    assert.equal(run.summary.escaped, 5);
  });
});

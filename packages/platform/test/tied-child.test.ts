/**
 * A tied child outlives no parent: an intermediate process spawns a long-sleeping child with spawnTiedNode
 * (as the platform spawns `next start`), the intermediate is SIGKILLed, and the child must exit on its own.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { until } from './support/child.js';

const dir = mkdtempSync(join(tmpdir(), 'sgdscope-tied-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('a child spawned with spawnTiedNode exits when its parent is SIGKILLed', async () => {
  const sleeper = join(dir, 'sleeper.cjs');
  writeFileSync(sleeper, 'setInterval(() => {}, 1000);\n');
  const tied = fileURLToPath(new URL('../src/child/tied-child.ts', import.meta.url));
  const parentScript = join(dir, 'parent.mjs');
  writeFileSync(
    parentScript,
    `const { spawnTiedNode } = await import(${JSON.stringify(tied)});
     const child = spawnTiedNode(${JSON.stringify(sleeper)}, []);
     console.log(String(child.pid));
     setInterval(() => {}, 1000);\n`,
  );
  const parent = spawn(process.execPath, ['--import', 'tsx', parentScript], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const childPid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
  });
  assert.ok(childPid > 0 && alive(childPid), 'the child runs');
  parent.kill('SIGKILL');
  await until(
    'the tied child to exit after its parent was killed',
    async () => (alive(childPid) ? undefined : true),
    10_000,
    100,
  );
  assert.equal(alive(childPid), false);
});

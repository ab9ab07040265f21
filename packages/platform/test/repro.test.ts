/**
 * `npm run repro` without running it: every committed run and sweep file of docs/repro parses into an API
 * input whose configs the trainer accepts (so the report's commands cannot silently rot), and the report
 * writer replaces exactly the marked sections.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expandSweep } from '@sgdscope/db/repo/sweeps';
import type { JsonObject, JsonValue } from '@sgdscope/db/repo/types';
import { validateConfig } from '@sgdscope/trainer/experiments/registry';
import { REPRO_FILES, readPlan } from '../src/repro/plan.js';
import { updateReport } from '../src/repro/report.js';

describe('npm run repro', () => {
  it('plans every docs/repro file as a run or sweep whose configs the trainer validates', async () => {
    const plan = await readPlan();
    assert.equal(plan.length, REPRO_FILES.length);
    assert.equal(new Set(plan.map((p) => p.name)).size, plan.length, 'names are unique (idempotency key)');
    for (const p of plan) {
      const kind = p.kind.toLowerCase();
      const configs =
        p.mode === 'run'
          ? [p.config]
          : expandSweep(p.baseConfig as JsonObject, p.grid as Record<string, JsonValue[]>, p.replicates).map(
              (point) => point.config,
            );
      assert.ok(configs.length > 0, p.file);
      for (const config of configs) await validateConfig(kind, config, `docs/repro/${p.file}`);
    }
    const main = plan.find((p) => p.name === 'mnist-mlp');
    assert.ok(main?.mode === 'run' && main.config.steps === 20_000, 'the main MNIST run is 20,000 steps');
  });

  it('rewrites only the marked sections of the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgdscope-report-'));
    try {
      const file = join(dir, 'report.md');
      writeFileSync(
        file,
        'intro\n<!-- repro:a -->\nold a\n<!-- /repro:a -->\nmiddle\n<!-- repro:b -->\nold b\n<!-- /repro:b -->\n',
      );
      const n = await updateReport(
        new Map([
          ['a', 'new a'],
          ['c', 'unused'],
        ]),
        file,
      );
      assert.equal(n, 1);
      assert.equal(
        readFileSync(file, 'utf8'),
        'intro\n<!-- repro:a -->\nnew a\n<!-- /repro:a -->\nmiddle\n<!-- repro:b -->\nold b\n<!-- /repro:b -->\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The integration suite: one real API server per database target (embedded PGlite and the
 * PostgreSQL server, both migrated fresh by testDatabases()), seeded once, with every suite run
 * against it. One process for all suites keeps the whole run well under two minutes on 2 cores.
 * Suites that count rows run before suites that add rows.
 */
import { after, before, describe } from 'node:test';
import { authzSuite } from './suites/authz.js';
import { ingestSuite } from './suites/ingest.js';
import { querySuite } from './suites/queries.js';
import { sweepSuite } from './suites/sweeps.js';
import { transferSuite } from './suites/transfer.js';
import { databaseTargets, openTestEnv, type TestEnv } from './support/env.js';
import { type Seed, seed } from './support/seed.js';

const targets = await databaseTargets();
after(() => Promise.all(targets.map((t) => t.dispose())));

for (const target of targets) {
  describe(`API on ${target.name}`, { skip: target.skip }, () => {
    let fixture: { env: TestEnv; s: Seed } | undefined;
    before(async () => {
      const env = await openTestEnv(target, { graphqlBytes: 1024 * 1024, binaryBytes: 4 * 1024 * 1024 });
      fixture = { env, s: await seed(env.repo) };
    });
    after(() => fixture?.env.close());
    const get = () => {
      if (!fixture) throw new Error('fixture not ready');
      return fixture;
    };
    querySuite(get);
    ingestSuite(get);
    sweepSuite(get);
    transferSuite(get);
    authzSuite(get);
  });
}

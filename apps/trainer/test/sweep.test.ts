import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../src/experiments/registry.js';
import { expandSweep, hashSeed, parseRunFile, parseSweepFile } from '../src/sweep/index.js';

const yamlSweep = `
name: escape-vs-batch
kind: escape
base:
  eta: 0.02
  repeats: 10
grid:
  batchSize: [0.04, 0.05, 0.06]
  noise: [sgd, sgld]
replicates: 2
seed: 7
`;

describe('sweep files', () => {
  it('expands grid x replicates in file order (last key fastest) with deterministic names and seeds', async () => {
    const runs = await expandSweep(parseSweepFile(yamlSweep, 'sweep.yaml'));
    assert.equal(runs.length, 3 * 2 * 2);
    assert.equal(runs[0].name, 'escape-vs-batch/batchSize=0.04,noise=sgd/r0');
    assert.equal(runs[1].name, 'escape-vs-batch/batchSize=0.04,noise=sgd/r1');
    assert.equal(runs[2].name, 'escape-vs-batch/batchSize=0.04,noise=sgld/r0');
    assert.equal(runs[11].name, 'escape-vs-batch/batchSize=0.06,noise=sgld/r1');
    assert.equal(runs[0].slug, 'escape-vs-batch_batchSize=0.04_noise=sgd_r0');
    assert.equal(runs[5].config.batchSize, 0.05);
    assert.equal(runs[5].config.eta, 0.02);
    assert.equal(runs[5].config.maxSteps, 100_000); // default filled in
    // Seeds: a pure function of (sweep seed, cell, replicate); all distinct.
    const again = await expandSweep(parseSweepFile(yamlSweep, 'again.yaml'));
    assert.deepEqual(
      runs.map((r) => r.seed),
      again.map((r) => r.seed),
    );
    assert.equal(new Set(runs.map((r) => r.seed)).size, runs.length);
    assert.equal(runs[0].seed, hashSeed('7|batchSize=0.04,noise=sgd|0'));
    assert.equal(runs[0].config.seed, runs[0].seed);
  });

  it('reads JSON too, and an empty grid gives one cell per replicate', async () => {
    const runs = await expandSweep(
      parseSweepFile('{"name":"one","kind":"phase_diagram","replicates":3}', 'one.json'),
    );
    assert.deepEqual(
      runs.map((r) => r.name),
      ['one/base/r0', 'one/base/r1', 'one/base/r2'],
    );
  });

  it('names the bad key and the run for invalid configs', async () => {
    const bad = `
name: bad
kind: escape
grid:
  eta: [0.02, -1]
  batchsize: [1]
`;
    await assert.rejects(expandSweep(parseSweepFile(bad, 'bad.yaml')), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /bad\/eta=-1,batchsize=1\/r0: eta: /);
      assert.match(e.message, /batchsize/);
      return true;
    });
  });

  it('rejects malformed sweep files with the path of the problem', async () => {
    assert.throws(
      () => parseSweepFile('name: x\nkind: escape\ngrid:\n  eta: []\n', 's.yaml'),
      /grid\.eta: a grid key needs/,
    );
    assert.throws(() => parseSweepFile('name: "a b"\nkind: escape\n', 's.yaml'), /name: use letters/);
    assert.throws(() => parseSweepFile('name: x\nkind: escape\nreplicate: 2\n', 's.yaml'), /replicate/);
    assert.throws(() => parseSweepFile('name: [unclosed\n', 's.yaml'), /Cannot parse s\.yaml/);
    await assert.rejects(
      expandSweep(parseSweepFile('name: x\nkind: nope\n', 's.yaml')),
      /kind: 'nope' is not one of/,
    );
    await assert.rejects(
      expandSweep(parseSweepFile('name: x\nkind: escape\ngrid:\n  seed: [1]\n', 's.yaml')),
      /grid\.seed/,
    );
  });
});

describe('run files', () => {
  it('validates the config of its kind and fills defaults', async () => {
    const spec = await parseRunFile('kind: escape\nname: quick\nconfig:\n  repeats: 5\n', 'run.yaml');
    assert.equal(spec.name, 'quick');
    assert.equal(spec.config.repeats, 5);
    assert.equal(spec.config.eta, 0.02);
    await assert.rejects(parseRunFile('kind: escape\nconfig:\n  repeats: 1\n', 'run.yaml'), /repeats: /);
    await assert.rejects(parseRunFile('config: {}\n', 'run.yaml'), /kind: /);
  });
});

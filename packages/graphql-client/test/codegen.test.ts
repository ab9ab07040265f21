import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CodegenError, generateClient } from '../src/codegen.js';
import { generateFromFiles } from '../src/files.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A small schema exercising every nullability level, enums, inputs with defaults and each custom scalar. */
const SDL = `
scalar DateTime
scalar JSON
scalar FloatList
enum Status { DONE FAILED }
input Filter { status: Status, names: [String!], limit: Int! = 10, nested: Inner }
input Inner { at: DateTime! }
type Point { x: Float!, ys: FloatList, meta: JSON }
type Thing {
  id: ID!
  label: String
  status: Status!
  count: Int!
  ok: Boolean
  when: DateTime!
  points(first: Int): [Point!]!
  maybe: [Point]
}
type Query { things(filter: Filter, ids: [ID!]!): [Thing!]!, thing(id: ID!): Thing }
type Mutation { rename(id: ID!, label: String!): Thing! }
`;

const SAMPLE = `
fragment PointFields on Point { x ys }
query Things($ids: [ID!]!, $filter: Filter, $first: Int = 3) {
  things(ids: $ids, filter: $filter) {
    id
    title: label
    status
    count
    ok
    when
    points(first: $first) { ...PointFields meta }
    maybe { x @include(if: true) }
  }
}
`;

const EXPECTED_THINGS = `export type ThingsQuery = {
  things: Array<{
    id: string;
    title: string | null;
    status: Status;
    count: number;
    ok: boolean | null;
    when: string;
    points: Array<{
      x: number;
      ys: Array<number | null> | null;
      meta: JsonValue | null;
    }>;
    maybe: Array<{
      x?: number;
    } | null> | null;
  }>;
};

export type ThingsQueryVariables = {
  ids: Array<string>;
  filter?: Filter | null;
  first?: number | null;
};`;

describe('generateClient', () => {
  const out = generateClient(SDL, [{ name: 'sample.graphql', body: SAMPLE }]);

  test('result and variable types of a sample operation match the expected text exactly', () => {
    assert.ok(out.includes(EXPECTED_THINGS), out);
  });

  test('enums become string unions; input objects (and the inputs they reach) become types', () => {
    assert.ok(out.includes("export type Status = 'DONE' | 'FAILED';"));
    // `limit` is non-null but has a default, so callers may omit it (GraphQL spec §5.8.5).
    assert.ok(
      out.includes(
        'export type Filter = {\n  status?: Status | null;\n  names?: Array<string> | null;\n  limit?: number;\n  nested?: Inner | null;\n};',
      ),
    );
    assert.ok(out.includes('export type Inner = {\n  at: string;\n};'));
  });

  test('an enum reached only through a nested input object is still declared', () => {
    const sdl =
      'enum Dir { UP DOWN }\ninput Outer { inner: Inner! }\ninput Inner { dir: Dir! }\ntype Query { go(o: Outer!): Int! }';
    const text = generateClient(sdl, [{ name: 'g.graphql', body: 'query G($o: Outer!) { go(o: $o) }' }]);
    assert.ok(text.includes("export type Dir = 'UP' | 'DOWN';"), text);
    assert.ok(text.includes('export type Inner = {\n  dir: Dir;\n};'));
    assert.ok(text.includes('export type GQueryVariables = {\n  o: Outer;\n};'));
  });

  test('fragments get their own type and travel with the document that spreads them', () => {
    assert.ok(
      out.includes(
        'export type PointFieldsFragment = {\n  x: number;\n  ys: Array<number | null> | null;\n};',
      ),
    );
    const doc =
      /export const ThingsDocument: TypedDocument<ThingsQuery, ThingsQueryVariables> = \{\n {2}query: `([^`]*)`/.exec(
        out,
      );
    assert.ok(doc, 'typed document constant present');
    assert.match(doc[1], /^query Things\(/);
    assert.match(doc[1], /fragment PointFields on Point \{/);
  });

  test('operations without variables take Record<string, never>; mutations are suffixed Mutation', () => {
    const text = generateClient(SDL, [
      { name: 'm.graphql', body: 'mutation Rename { rename(id: "1", label: "x") { id } }' },
    ]);
    assert.ok(text.includes('export type RenameMutation = {\n  rename: {\n    id: string;\n  };\n};'));
    assert.ok(text.includes('export type RenameMutationVariables = Record<string, never>;'));
  });

  test('the same input always produces the same text (the drift check relies on it)', () => {
    assert.equal(generateClient(SDL, [{ name: 'sample.graphql', body: SAMPLE }]), out);
  });
});

describe('validation', () => {
  const fails = (body: string, pattern: RegExp): void => {
    assert.throws(
      () => generateClient(SDL, [{ name: 'bad.graphql', body }]),
      (error: unknown) => error instanceof CodegenError && pattern.test(error.message),
    );
  };

  test('an unknown field is rejected with graphql-js message and file:line:column', () => {
    fails(
      'query Q {\n  things(ids: []) { id nope }\n}',
      /^bad\.graphql:2:24: Cannot query field "nope" on type "Thing"\./,
    );
  });

  test('a wrongly typed variable and a missing required argument are rejected', () => {
    fails(
      'query Q($id: String!) { thing(id: $id) { id } }',
      /Variable "\$id" of type "String!" used in position expecting type "ID!"/,
    );
    fails(
      'query Q { things { id } }',
      /bad\.graphql:1:11: Field "things" argument "ids" of type "\[ID!\]!" is required/,
    );
  });

  test('syntax errors, anonymous operations and duplicate names are rejected', () => {
    fails('query Q { things(ids: []) { id }', /^bad\.graphql:1:33: Syntax Error/);
    fails('{ thing(id: "1") { id } }', /anonymous query cannot be given a type name/);
    fails(
      'query Q { thing(id: "1") { id } }\nquery Q { thing(id: "2") { id } }',
      /There can be only one operation named "Q"/,
    );
  });

  test('schema errors carry the SDL name and location', () => {
    assert.throws(
      () => generateClient('type Query { a: Nope }', [], { schemaName: 'api.graphql' }),
      (error: unknown) => error instanceof CodegenError && /Unknown type "Nope"/.test(error.message),
    );
    assert.throws(
      () => generateClient('type Query { a: Int', [], { schemaName: 'api.graphql' }),
      (error: unknown) =>
        error instanceof CodegenError && /^api\.graphql:1:20: Syntax Error/.test(error.message),
    );
  });

  test('selections that depend on the runtime type (unions) are refused rather than typed wrongly', () => {
    const sdl = 'type A { a: Int! }\ntype B { b: Int! }\nunion U = A | B\ntype Query { u: U! }';
    assert.throws(
      () => generateClient(sdl, [{ name: 'u.graphql', body: 'query Q { u { ... on A { a } } }' }]),
      /selections on U \(interface\/union\) are not supported/,
    );
  });

  test('__typename is the parent type name; @skip makes a field optional; aliases name the key', () => {
    const text = generateClient(SDL, [
      {
        name: 't.graphql',
        body: 'query T($s: Boolean!) { thing(id: "1") { __typename one: id two: id label @skip(if: $s) } }',
      },
    ]);
    assert.ok(
      text.includes(
        "export type TQuery = {\n  thing: {\n    __typename: 'Thing';\n    one: string;\n    two: string;\n    label?: string | null;\n  } | null;\n};",
      ),
      text,
    );
  });

  test('a custom scalar without a TypeScript mapping is an error, not a silent unknown', () => {
    const sdl = 'scalar Money\ntype Query { price: Money }';
    assert.throws(
      () => generateClient(sdl, [{ name: 'p.graphql', body: 'query P { price }' }]),
      /custom scalar Money/,
    );
    const mapped = generateClient(sdl, [{ name: 'p.graphql', body: 'query P { price }' }], {
      scalars: { Money: 'bigint' },
    });
    assert.ok(mapped.includes('price: bigint | null;'));
  });
});

describe('command line', () => {
  const cli = path.join(REPO, 'packages/graphql-client/src/cli.ts');
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', cwd: REPO });

  test('writes the client, --check passes on it and fails (exit 1) once the operations change', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sgdscope-codegen-'));
    try {
      await writeFile(path.join(dir, 'schema.graphql'), SDL);
      await writeFile(path.join(dir, 'ops.graphql'), SAMPLE);
      const args = [
        '--schema',
        `${dir}/schema.graphql`,
        '--operations',
        `${dir}/ops.graphql`,
        '--out',
        `${dir}/out.ts`,
      ];
      assert.equal(run(args).status, 0);
      assert.ok((await readFile(path.join(dir, 'out.ts'), 'utf8')).includes(EXPECTED_THINGS));
      assert.equal(run([...args, '--check']).status, 0);
      await writeFile(path.join(dir, 'ops.graphql'), SAMPLE.replace('count', ''));
      const stale = run([...args, '--check']);
      assert.equal(stale.status, 1);
      assert.match(stale.stderr, /out of date/);
      await writeFile(path.join(dir, 'ops.graphql'), 'query Q { thing(id: "1") { nope } }');
      const invalid = run(args);
      assert.equal(invalid.status, 1);
      assert.match(invalid.stderr, /ops\.graphql:1:28: Cannot query field "nope" on type "Thing"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the web client', () => {
  test('apps/web/lib/generated.ts is up to date with apps/api/schema.graphql and lib/operations.graphql', async () => {
    const out = path.join(REPO, 'apps/web/lib/generated.ts');
    const expected = await generateFromFiles({
      schema: path.join(REPO, 'apps/api/schema.graphql'),
      operations: [path.join(REPO, 'apps/web/lib/operations.graphql')],
      out,
    });
    const committed = await readFile(out, 'utf8');
    assert.ok(
      committed === expected,
      'apps/web/lib/generated.ts is stale: run `npm run codegen -w @sgdscope/web` and commit the result',
    );
  });
});

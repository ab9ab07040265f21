/**
 * `codegen --schema <sdl> --operations <a.graphql> [...] --out <file.ts> [--check]`: writes the typed client, or
 * with `--check` exits 1 when the committed file differs from what the SDL and operations generate (CI drift gate).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CodegenError } from './codegen.js';
import { generateFromFiles } from './files.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      schema: { type: 'string' },
      operations: { type: 'string', multiple: true },
      out: { type: 'string' },
      check: { type: 'boolean', default: false },
    },
  });
  if (!values.schema || !values.operations?.length || !values.out) {
    console.error(
      'usage: codegen --schema <schema.graphql> --operations <ops.graphql>... --out <file.ts> [--check]',
    );
    return 2;
  }
  const out = path.resolve(values.out);
  const text = await generateFromFiles({ schema: values.schema, operations: values.operations, out });
  if (values.check) {
    const current = await readFile(out, 'utf8').catch(() => '');
    if (current === text) return 0;
    console.error(`${values.out} is out of date with its SDL/operations: regenerate it (without --check).`);
    return 1;
  }
  await writeFile(out, text);
  console.log(`wrote ${values.out}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof CodegenError ? error.message : error);
    process.exit(1);
  },
);

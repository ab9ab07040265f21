/** The schema is the contract: the committed SDL matches the code, and everything is described. */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildSchema, isInputObjectType, isObjectType, lexicographicSortSchema, printSchema } from 'graphql';
import { buildApiSchema } from '../src/schema/build.js';
import { currentSdl, SDL_PATH } from '../src/sdl.js';

describe('schema contract', () => {
  it('committed schema.graphql equals the SDL the code builds (run `npm run sdl -w @sgdscope/api`)', async () => {
    // Compared after re-printing, so formatting of the committed file (biome formats GraphQL) is irrelevant.
    const committed = printSchema(lexicographicSortSchema(buildSchema(readFileSync(SDL_PATH, 'utf8'))));
    assert.equal(`${committed}\n`, await currentSdl());
  });

  it('every type, field and argument has a description', async () => {
    const schema = await buildApiSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (!type.description && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name))
        missing.push(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    }
    assert.deepEqual(missing, []);
  });
});

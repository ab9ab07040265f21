/**
 * Writes the schema contract (SDL) to apps/api/schema.graphql: `npm run sdl -w @sgdscope/api`.
 * A test fails when the committed file differs from what the code builds.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildApiSchema } from './schema/build.js';

/** Path of the committed SDL. */
export const SDL_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));

/** The SDL text of the current code (sorted, so reordering resolvers never changes the contract). */
export async function currentSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildApiSchema()))}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SDL_PATH, await currentSdl());
  console.log(`wrote ${SDL_PATH}`);
}

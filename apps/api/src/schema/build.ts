/** Assemble the executable schema from the resolver classes. */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { CompareResolver } from './compare-resolver.js';
import { ProjectResolver } from './project-resolver.js';
import { AnalysisResultResolver, RunConnectionResolver, RunResolver } from './run-resolver.js';

/** The resolver classes, in one list so the SDL export and the server build the same schema. */
export const RESOLVERS = [
  ProjectResolver,
  RunResolver,
  RunConnectionResolver,
  AnalysisResultResolver,
  CompareResolver,
] as const;

let cached: Promise<GraphQLSchema> | undefined;

/**
 * Build (once per process) the GraphQL schema. Input classes are validated with class-validator
 * (`validate: { forbidUnknownValues: false }` because plain scalar args carry no class).
 */
export function buildApiSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: RESOLVERS as unknown as [typeof ProjectResolver],
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });
  return cached;
}

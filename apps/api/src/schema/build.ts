/** Assemble the executable schema from the resolver classes. */
import 'reflect-metadata';
import { type ValidationError, validateOrReject } from 'class-validator';
import type { GraphQLSchema } from 'graphql';
import { ArgumentValidationError, buildSchema } from 'type-graphql';
import { AdminResolver } from './admin-resolver.js';
import { CompareResolver } from './compare-resolver.js';
import { IngestResolver } from './ingest-resolver.js';
import { ProjectResolver } from './project-resolver.js';
import { RunMutationResolver } from './run-mutations.js';
import {
  AnalysisResultResolver,
  RunConnectionResolver,
  RunResolver,
  RunSeriesResolver,
} from './run-resolver.js';
import { SweepResolver } from './sweep-resolver.js';
import { ProgressResolver, SavedViewResolver, ViewResolver } from './view-resolver.js';

/** The resolver classes, in one list so the SDL export and the server build the same schema. */
export const RESOLVERS = [
  ProjectResolver,
  RunResolver,
  RunConnectionResolver,
  AnalysisResultResolver,
  RunSeriesResolver,
  CompareResolver,
  SweepResolver,
  AdminResolver,
  RunMutationResolver,
  IngestResolver,
  ViewResolver,
  SavedViewResolver,
  ProgressResolver,
] as const;

let cached: Promise<GraphQLSchema> | undefined;

/** What type-graphql's built-in `validate` setting passes to class-validator (skip missing, allow unknown). */
const VALIDATOR_OPTIONS = { skipMissingProperties: true, forbidUnknownValues: false } as const;

/**
 * Validates input-class arguments with class-validator, exactly as type-graphql's built-in `validate`
 * does, but with class-validator imported once: the built-in path runs `await import('class-validator')`
 * for every object argument of every request, which under tsx's module hooks is a round trip to the
 * loader thread (seen as ~2 ms per request in the bench's CPU profile).
 */
async function validateInputArg(argValue: unknown, argType: unknown): Promise<void> {
  // Only input classes carry constraints. JSON-scalar arguments (some declared `validate: false`, which a
  // validateFn is not told about) are plain objects that class-validator has nothing to check on.
  if (typeof argType !== 'function' || argValue === null || typeof argValue !== 'object') return;
  try {
    if (Array.isArray(argValue)) {
      await Promise.all(
        argValue
          .filter((item) => item !== null && typeof item === 'object')
          .map((item) => validateOrReject(item as object, VALIDATOR_OPTIONS)),
      );
    } else {
      await validateOrReject(argValue, VALIDATOR_OPTIONS);
    }
  } catch (err) {
    throw new ArgumentValidationError(err as ValidationError[]);
  }
}

/** Build (once per process) the GraphQL schema. Input classes are validated with class-validator. */
export function buildApiSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: RESOLVERS as unknown as [typeof ProjectResolver],
    validateFn: validateInputArg,
    emitSchemaFile: false,
    // Subscriptions here supply their own `subscribe` (the in-process RunProgressBus); type-graphql
    // still insists on a pubSub object, which is therefore never used.
    pubSub: {
      publish() {
        throw new Error('type-graphql pubSub is unused: publish through RunProgressBus');
      },
      subscribe() {
        throw new Error('type-graphql pubSub is unused: subscribe through RunProgressBus');
      },
    },
  }).then(describeRootTypes);
  return cached;
}

/** type-graphql cannot describe the root types; the contract requires every type described. */
function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  if (query)
    query.description =
      'Reads: projects, runs, comparisons, aggregates, escape-rate fits, phase diagrams, saved views.';
  if (mutation)
    mutation.description =
      'Writes: administration, runs and sweeps, trainer ingest, analyses, curation, views.';
  if (subscription) subscription.description = 'Live updates over graphql-ws on /graphql.';
  return schema;
}

/**
 * Query depth and cost limits, checked before execution so an expensive query is refused rather
 * than half-run. Cost: every field costs 1, and a field returning a list multiplies its children by
 * the requested size (`first`, or the length of `ids`), so `runs(first: 500) { ... curves }` is priced
 * for what it would actually fetch.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLSchema, type ValidationRule } from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { type ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * Deepest selection nesting accepted. Legitimate queries of this schema nest at most 6 deep
 * (runs > edges > node > analyses > curves > x); cycles such as run > analyses > run > ... are what
 * this cuts off. Introspection fields (__schema) are exempt so standard tooling keeps working.
 */
export const MAX_QUERY_DEPTH = 8;
/** Highest estimated cost accepted. */
export const MAX_QUERY_COST = 20_000;

/** Validation rules to install in Apollo. */
export function depthRule(max = MAX_QUERY_DEPTH): ValidationRule {
  return depthLimit(max) as unknown as ValidationRule;
}

/** Multiplies child cost by the page size or id count the field was asked for. */
const sizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' ? args.first : undefined;
  const ids = Array.isArray(args.ids) ? args.ids.length : undefined;
  const n = first ?? ids;
  if (n !== undefined) return 1 + n * Math.max(1, childComplexity);
  return undefined;
};

/** Apollo plugin rejecting operations whose estimated cost exceeds `max`. */
export function costLimitPlugin(schema: GraphQLSchema, max = MAX_QUERY_COST): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const cost = getComplexity({
            schema,
            query: document,
            variables: request.variables ?? {},
            operationName: request.operationName ?? undefined,
            estimators: [sizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
          });
          if (cost > max) {
            throw new GraphQLError(`query cost ${cost} exceeds the limit ${max}`, {
              extensions: { code: 'BAD_USER_INPUT', cost, maxCost: max },
            });
          }
        },
      };
    },
  };
}

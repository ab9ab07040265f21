/** Custom scalars. */
import { GraphQLError, GraphQLScalarType } from 'graphql';

/**
 * A list of numbers sent as one JSON array, non-finite values as null. On the wire it is exactly what
 * `[Float]` would be, but graphql-js serializes it in one step instead of once per element, which
 * keeps curve-heavy responses (24 windows x 1000-point MSD curves) fast.
 */
export const FloatListScalar = new GraphQLScalarType<(number | null)[], (number | null)[]>({
  name: 'FloatList',
  description: 'A list of numbers as one JSON array; null marks a non-finite value. Output only.',
  serialize(value) {
    if (!(Array.isArray(value) || ArrayBuffer.isView(value)))
      throw new GraphQLError('FloatList expects an array');
    const list = value as ArrayLike<unknown>;
    const out = new Array<number | null>(list.length);
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      out[i] = typeof v === 'number' && Number.isFinite(v) ? v : null;
    }
    return out;
  },
  parseValue() {
    throw new GraphQLError('FloatList is an output-only scalar');
  },
  parseLiteral() {
    throw new GraphQLError('FloatList is an output-only scalar');
  },
});

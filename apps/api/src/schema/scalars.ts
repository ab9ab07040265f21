/** Custom scalars. */
import { randomBytes } from 'node:crypto';
import { GraphQLError, GraphQLScalarType } from 'graphql';

/**
 * A float list on its way out: the values (non-finite as null) and their JSON text, both computed on first use.
 * `stringifyResponse` splices the text into the response as is; anywhere else (graphql-ws subscriptions,
 * in-process execution) it serializes as the plain array, so the wire format never changes.
 */
export class SerializedFloatList {
  private plain: (number | null)[] | null = null;

  constructor(private readonly source: ArrayLike<unknown> & object) {}

  /** The values as a plain array, non-finite values as null. */
  get values(): (number | null)[] {
    if (this.plain === null) {
      const list = this.source;
      const out = new Array<number | null>(list.length);
      for (let i = 0; i < list.length; i++) {
        const v = list[i];
        out[i] = typeof v === 'number' && Number.isFinite(v) ? v : null;
      }
      this.plain = out;
    }
    return this.plain;
  }

  /** JSON text of the values, memoized per source array (curve arrays are shared by the curve cache). */
  get text(): string {
    let text = jsonTextOf.get(this.source);
    if (text === undefined) {
      text = JSON.stringify(this.values);
      jsonTextOf.set(this.source, text);
    }
    return text;
  }

  toJSON(): unknown {
    // Only arrays that outlive the request (registered by the curve cache) are worth memoizing and splicing; a
    // fresh array (a thinned curve, a downsampled series) is cheaper inline in the one JSON.stringify pass.
    return activeSplice && longLived.has(this.source) ? activeSplice.placeholder(this) : this.values;
  }
}

/** Arrays shared across requests (the curve cache's), whose JSON text is memoized and spliced. */
const longLived = new WeakSet<object>();

/** Marks an array as shared across requests and never written, so FloatList may memoize its JSON text. */
export function shareFloatListText(array: object): void {
  longLived.add(array);
}

/**
 * JSON text by source array, for as long as the array lives. Formatting ~1000 doubles costs ~80 us, and a 4-run
 * comparison sends 192 such curves: with the curve cache holding the arrays, a repeated comparison reuses the
 * text instead (JSON.stringify was 60% of compareRuns' CPU).
 */
const jsonTextOf = new WeakMap<object, string>();

/** The response being stringified (synchronous: one at a time) and the lists it placed. */
let activeSplice: Splice | null = null;

class Splice {
  readonly lists: SerializedFloatList[] = [];
  /** Random per response, so no string a user stored can look like a placeholder; drawn on first use only. */
  nonce = '';

  placeholder(list: SerializedFloatList): string {
    if (this.nonce === '') this.nonce = randomBytes(12).toString('hex');
    this.lists.push(list);
    return `@@floatlist-${this.nonce}-${this.lists.length - 1}@@`;
  }
}

/**
 * Apollo's `stringifyResult`: JSON.stringify with every FloatList spliced in as its memoized JSON text. The output
 * is byte for byte what plain JSON.stringify gives (the text is JSON.stringify of the same array).
 */
export function stringifyResponse(value: unknown): string {
  const splice = new Splice();
  activeSplice = splice;
  let skeleton: string;
  try {
    skeleton = JSON.stringify(value);
  } finally {
    activeSplice = null;
  }
  if (splice.lists.length === 0) return `${skeleton}\n`;
  const pattern = new RegExp(`"@@floatlist-${splice.nonce}-(\\d+)@@"`, 'g');
  return `${skeleton.replace(pattern, (_match, index: string) => splice.lists[Number(index)].text)}\n`;
}

/**
 * A list of numbers sent as one JSON array, non-finite values as null. On the wire it is exactly what
 * `[Float]` would be, but graphql-js serializes it in one step instead of once per element, and the HTTP
 * response splices in its memoized JSON text (see SerializedFloatList), which keeps curve-heavy responses
 * (24 windows x 1000-point MSD curves) fast.
 */
export const FloatListScalar = new GraphQLScalarType<SerializedFloatList, SerializedFloatList>({
  name: 'FloatList',
  description: 'A list of numbers as one JSON array; null marks a non-finite value. Output only.',
  serialize(value) {
    if (!(Array.isArray(value) || ArrayBuffer.isView(value)))
      throw new GraphQLError('FloatList expects an array');
    return new SerializedFloatList(value as ArrayLike<unknown> & object);
  },
  parseValue() {
    throw new GraphQLError('FloatList is an output-only scalar');
  },
  parseLiteral() {
    throw new GraphQLError('FloatList is an output-only scalar');
  },
});

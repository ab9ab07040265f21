import {
  buildSchema,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionSetNode,
  Source,
  typeFromAST,
  validate,
} from 'graphql';

/** One `.graphql` document: `name` (usually its path) is what error messages point at. */
export interface OperationSource {
  readonly name: string;
  readonly body: string;
}

export interface CodegenOptions {
  /**
   * TypeScript for each custom scalar, merged over {@link DEFAULT_SCALARS}. A scalar used by an operation but
   * mapped nowhere is an error: guessing `unknown` would silently weaken the types the generator exists for.
   */
  readonly scalars?: Readonly<Record<string, string>>;
  /** Comment lines placed at the top of the generated file (e.g. which files it came from). */
  readonly header?: readonly string[];
  /** Name the SDL goes by in error locations. */
  readonly schemaName?: string;
}

/** Built-in scalars plus the three custom ones the sgdscope API declares (see apps/api/schema.graphql). */
export const DEFAULT_SCALARS: Readonly<Record<string, string>> = {
  ID: 'string',
  String: 'string',
  Int: 'number',
  Float: 'number',
  Boolean: 'boolean',
  // ISO-8601 text on the wire.
  DateTime: 'string',
  // Any JSON value; `JsonValue` is declared in the generated file.
  JSON: 'JsonValue',
  // Series with gaps: the API sends null where a value is missing or non-finite.
  FloatList: 'Array<number | null>',
};

/** A schema or operation problem, with `file:line:column` locations so the message points at the fix. */
export class CodegenError extends Error {
  override readonly name = 'CodegenError';
}

const INDENT = '  ';

/** Formats a GraphQL error as `source:line:column: message` for every location it carries. */
function describeGraphQLError(error: GraphQLError): string {
  const where = (error.locations ?? []).map(
    (loc) => `${error.source?.name ?? 'GraphQL'}:${loc.line}:${loc.column}`,
  );
  return where.length ? `${where.join(', ')}: ${error.message}` : error.message;
}

/** Builds the schema from SDL, turning syntax or schema-validity errors into a {@link CodegenError}. */
export function loadSchema(sdl: string, name = 'schema.graphql'): GraphQLSchema {
  try {
    return buildSchema(new Source(sdl, name));
  } catch (error) {
    if (error instanceof GraphQLError) throw new CodegenError(describeGraphQLError(error));
    throw new CodegenError(`${name}: ${(error as Error).message}`);
  }
}

/**
 * Parses all operation sources into one document and validates it against the schema with graphql-js's
 * `validate` (the spec's full rule set), so fragments may be shared across files and names must be unique.
 */
export function loadOperations(schema: GraphQLSchema, sources: readonly OperationSource[]): DocumentNode {
  const definitions: DocumentNode['definitions'][number][] = [];
  for (const source of sources) {
    try {
      definitions.push(...parse(new Source(source.body, source.name)).definitions);
    } catch (error) {
      if (error instanceof GraphQLError) throw new CodegenError(describeGraphQLError(error));
      throw error;
    }
  }
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  const errors = validate(schema, document);
  if (errors.length) throw new CodegenError(errors.map(describeGraphQLError).join('\n'));
  for (const definition of definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && !definition.name) {
      throw new CodegenError(
        `${definition.loc?.source.name ?? 'GraphQL'}: an anonymous ${definition.operation} cannot be given a type name; name it`,
      );
    }
    if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) {
      throw new CodegenError(
        `${definition.loc?.source.name ?? 'GraphQL'}: only operations and fragments belong here`,
      );
    }
  }
  return document;
}

/** Quotes text as a TypeScript template literal body (the printed operation keeps its line breaks). */
function templateLiteral(text: string): string {
  return `\`${text.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${')}\``;
}

function suffixFor(operation: OperationDefinitionNode['operation']): string {
  return operation === 'query' ? 'Query' : operation === 'mutation' ? 'Mutation' : 'Subscription';
}

/** Writes TypeScript types for operations, walking selection sets against the schema. */
class TypeWriter {
  /** Enum and input-object names the emitted types refer to; declared once at the end. */
  readonly enums = new Set<string>();
  readonly inputs = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly scalars: Readonly<Record<string, string>>,
  ) {}

  scalar(name: string, where: string): string {
    const ts = this.scalars[name];
    if (ts === undefined) {
      throw new CodegenError(
        `${where}: no TypeScript type for custom scalar ${name}; pass it in options.scalars`,
      );
    }
    return ts;
  }

  /** Nullable GraphQL types become `T | null`; lists become `Array<T>` (GraphQL nullability is exact per level). */
  output(
    type: GraphQLOutputType,
    selection: SelectionSetNode | undefined,
    depth: number,
    where: string,
  ): string {
    if (isNonNullType(type)) return this.outputNonNull(type.ofType, selection, depth, where);
    return `${this.outputNonNull(type, selection, depth, where)} | null`;
  }

  private outputNonNull(
    type: GraphQLOutputType,
    selection: SelectionSetNode | undefined,
    depth: number,
    where: string,
  ): string {
    if (isListType(type)) return `Array<${this.output(type.ofType, selection, depth, where)}>`;
    if (isNonNullType(type)) return this.outputNonNull(type.ofType, selection, depth, where);
    if (isScalarType(type)) return this.scalar(type.name, where);
    if (isEnumType(type)) {
      this.enums.add(type.name);
      return type.name;
    }
    if (!selection) throw new CodegenError(`${where}: ${type.name} needs a selection set`);
    return this.selectionSet(type, selection, depth, where);
  }

  /**
   * Collects the fields a selection set returns, merging fields selected twice (directly and via fragments).
   * Only fragments that always apply (type condition = the parent type or an abstract type it belongs to) are
   * merged; selections on abstract types would need discriminated unions, which this API does not use yet.
   */
  private collect(
    parent: GraphQLNamedType,
    selection: SelectionSetNode,
    into: Map<string, { field: FieldNode[]; optional: boolean }>,
    conditional: boolean,
    where: string,
  ): void {
    for (const node of selection.selections) {
      const skippable =
        conditional ||
        (node.directives ?? []).some((d) => d.name.value === 'include' || d.name.value === 'skip');
      if (node.kind === Kind.FIELD) {
        const key = node.alias?.value ?? node.name.value;
        const entry = into.get(key);
        if (entry) {
          entry.field.push(node);
          entry.optional &&= skippable;
        } else into.set(key, { field: [node], optional: skippable });
        continue;
      }
      const fragment =
        node.kind === Kind.FRAGMENT_SPREAD
          ? this.fragments.get(node.name.value)
          : { typeCondition: node.typeCondition };
      if (!fragment) throw new CodegenError(`${where}: unknown fragment`);
      const condition = fragment.typeCondition
        ? this.schema.getType(fragment.typeCondition.name.value)
        : parent;
      const applies =
        condition === parent ||
        (condition &&
          isObjectType(parent) &&
          isAbstractType(condition) &&
          this.schema.isSubType(condition, parent));
      if (!applies) {
        throw new CodegenError(
          `${where}: fragment on ${condition?.name ?? '?'} inside ${parent.name}: selections that depend on the runtime type are not supported`,
        );
      }
      const body =
        node.kind === Kind.FRAGMENT_SPREAD
          ? (this.fragments.get(node.name.value) as FragmentDefinitionNode).selectionSet
          : node.selectionSet;
      this.collect(parent, body, into, skippable, where);
    }
  }

  selectionSet(parent: GraphQLNamedType, selection: SelectionSetNode, depth: number, where: string): string {
    if (!isObjectType(parent)) {
      throw new CodegenError(`${where}: selections on ${parent.name} (interface/union) are not supported`);
    }
    const fields = new Map<string, { field: FieldNode[]; optional: boolean }>();
    this.collect(parent, selection, fields, false, where);
    const pad = INDENT.repeat(depth + 1);
    const lines: string[] = [];
    for (const [key, { field, optional }] of fields) {
      const name = field[0].name.value;
      let ts: string;
      if (name === '__typename') ts = `'${parent.name}'`;
      else {
        const definition = parent.getFields()[name];
        const merged: SelectionSetNode | undefined = field.some((f) => f.selectionSet)
          ? { kind: Kind.SELECTION_SET, selections: field.flatMap((f) => f.selectionSet?.selections ?? []) }
          : undefined;
        ts = this.output(definition.type, merged, depth + 1, `${where} > ${key}`);
      }
      lines.push(`${pad}${key}${optional ? '?' : ''}: ${ts};`);
    }
    return `{\n${lines.join('\n')}\n${INDENT.repeat(depth)}}`;
  }

  /** Input types: nullable → `T | null`; input objects and enums are referenced by name and declared once. */
  input(type: GraphQLInputType, where: string): string {
    if (isNonNullType(type)) return this.inputNonNull(type.ofType, where);
    return `${this.inputNonNull(type, where)} | null`;
  }

  private inputNonNull(type: GraphQLInputType, where: string): string {
    if (isListType(type)) return `Array<${this.input(type.ofType, where)}>`;
    if (isNonNullType(type)) return this.inputNonNull(type.ofType, where);
    if (isScalarType(type)) return this.scalar(type.name, where);
    if (isEnumType(type)) this.enums.add(type.name);
    else this.inputs.add(type.name);
    return type.name;
  }

  /**
   * A field or variable may be omitted when it is nullable or has a default (GraphQL spec §5.8.5, §6.4.1), so
   * those become optional properties.
   */
  property(name: string, type: GraphQLInputType, hasDefault: boolean, pad: string, where: string): string {
    const optional = !isNonNullType(type) || hasDefault;
    return `${pad}${name}${optional ? '?' : ''}: ${this.input(type, where)};`;
  }

  inputObject(type: GraphQLInputObjectType): string {
    const lines = Object.values(type.getFields()).map((f) =>
      this.property(f.name, f.type, f.defaultValue !== undefined, INDENT, `input ${type.name}.${f.name}`),
    );
    return `export type ${type.name} = {\n${lines.join('\n')}\n};`;
  }
}

/** Fragments an executable definition uses, transitively, in first-use order. */
function usedFragments(
  node: OperationDefinitionNode | FragmentDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): FragmentDefinitionNode[] {
  const out: FragmentDefinitionNode[] = [];
  const visit = (selection: SelectionSetNode): void => {
    for (const s of selection.selections) {
      if (s.kind === Kind.FRAGMENT_SPREAD) {
        const name = s.name.value;
        if (seen.has(name)) continue;
        seen.add(name);
        const fragment = fragments.get(name) as FragmentDefinitionNode;
        out.push(fragment);
        visit(fragment.selectionSet);
      } else if (s.selectionSet) visit(s.selectionSet);
    }
  };
  visit(node.selectionSet);
  return out;
}

const PREAMBLE = `/**
 * A JSON value (the API's \`JSON\` scalar). A top-level null is left out: the field's GraphQL nullability says
 * whether it can be null (\`JSON\` → \`JsonValue | null\`, \`JSON!\` → \`JsonValue\`).
 */
export type JsonValue =
  | string
  | number
  | boolean
  | Array<JsonValue | null>
  | { [key: string]: JsonValue | null };

/**
 * A GraphQL document that carries its result and variable types, so \`gql(doc, variables)\` infers both.
 * The two phantom fields never exist at run time.
 */
export type TypedDocument<Result, Variables> = { query: string } & {
  __result?: Result;
  __variables?: Variables;
};`;

/** Biome's line width (biome.json): the output is laid out the way \`biome format\` would, so it passes \`biome ci\`. */
const LINE_WIDTH = 110;

/** `export type Name = 'A' | 'B';`, broken one member per line when too long, as the formatter does. */
function unionAlias(name: string, members: readonly string[]): string {
  const flat = `export type ${name} = ${members.join(' | ')};`;
  if (flat.length <= LINE_WIDTH) return flat;
  return `export type ${name} =\n${members.map((m) => `${INDENT}| ${m}`).join('\n')};`;
}

/** The typed document constant, with the type arguments on their own lines when the first line is too long. */
function documentConstant(name: string, typeName: string, query: string): string {
  const flat = `export const ${name}Document: TypedDocument<${typeName}, ${typeName}Variables> = {`;
  const head =
    flat.length <= LINE_WIDTH
      ? flat
      : `export const ${name}Document: TypedDocument<\n${INDENT}${typeName},\n${INDENT}${typeName}Variables\n> = {`;
  return `${head}\n${INDENT}query: ${query},\n};`;
}

/**
 * Generates a TypeScript module for the named operations in `sources`, validated against `schemaSdl`: per
 * operation `<Name>Query` (or `Mutation`/`Subscription`), `<Name>QueryVariables` and a `<Name>Document`
 * typed document; per fragment `<Name>Fragment`; enums as string-literal unions; input objects as types.
 * The output is deterministic (same inputs → same text), which the drift check relies on.
 */
export function generateClient(
  schemaSdl: string,
  sources: readonly OperationSource[],
  options: CodegenOptions = {},
): string {
  const schema = loadSchema(schemaSdl, options.schemaName);
  const document = loadOperations(schema, sources);
  const scalars = { ...DEFAULT_SCALARS, ...options.scalars };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const writer = new TypeWriter(schema, fragments, scalars);

  const blocks: string[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) {
      const parent = schema.getType(d.typeCondition.name.value) as GraphQLNamedType;
      const body = writer.selectionSet(parent, d.selectionSet, 0, `fragment ${d.name.value}`);
      blocks.push(`export type ${d.name.value}Fragment = ${body};`);
      continue;
    }
    if (d.kind !== Kind.OPERATION_DEFINITION || !d.name) continue;
    const name = d.name.value;
    const where = `${d.operation} ${name}`;
    const typeName = `${name}${suffixFor(d.operation)}`;
    const root = schema.getRootType(d.operation);
    if (!root) throw new CodegenError(`${where}: the schema has no ${d.operation} type`);
    const result = writer.selectionSet(root, d.selectionSet, 0, where);
    const variables = (d.variableDefinitions ?? []).map((v) => {
      const type = typeFromAST(schema, v.type) as GraphQLInputType;
      return writer.property(
        v.variable.name.value,
        type,
        v.defaultValue !== undefined,
        INDENT,
        `${where} $${v.variable.name.value}`,
      );
    });
    const variablesType = variables.length ? `{\n${variables.join('\n')}\n}` : 'Record<string, never>';
    const text = [d, ...usedFragments(d, fragments)].map((n) => print(n)).join('\n\n');
    blocks.push(
      `export type ${typeName} = ${result};`,
      `export type ${typeName}Variables = ${variablesType};`,
      documentConstant(name, typeName, templateLiteral(text)),
    );
  }

  // Input objects may refer to further input objects and enums: write the whole closure before listing enums.
  const inputBlocks = new Map<string, string>();
  for (
    let pending = [...writer.inputs];
    pending.length;
    pending = [...writer.inputs].filter((n) => !inputBlocks.has(n))
  ) {
    for (const name of pending) {
      const type = schema.getType(name);
      if (isInputObjectType(type)) inputBlocks.set(name, writer.inputObject(type));
    }
  }
  const enumBlocks: string[] = [];
  for (const name of [...writer.enums].sort()) {
    const type = schema.getType(name);
    if (isEnumType(type))
      enumBlocks.push(
        unionAlias(
          name,
          type.getValues().map((v) => `'${v.name}'`),
        ),
      );
  }
  const inputs = [...inputBlocks.keys()].sort().map((name) => inputBlocks.get(name) as string);

  const header = (options.header ?? []).map((line) => `// ${line}`);
  return `${[header.join('\n'), PREAMBLE, ...enumBlocks, ...inputs, ...blocks].filter(Boolean).join('\n\n')}\n`;
}

import pg from 'pg';

/** Postgres's internal single-byte `"char"` type (pg_type.oid 18), used by catalog columns such as `contype`. */
export const CHAR_OID = 18;
/** `text` (pg_type.oid 25): what `"char"` values are on the wire. */
const TEXT_OID = 25;

/** A field description after {@link mapCharOidToText}: remembers that it was `"char"`. */
export interface MappedFieldDescription {
  dataTypeID: number;
  originalDataTypeID?: number;
}

type ResultWithAddFields = { addFields(fields: MappedFieldDescription[]): void };

let patched = false;

/**
 * Makes `pg` report `"char"` columns as `text` (stack-notes trap 4).
 *
 * The schema engine's catalog queries return `"char"` columns (`pg_constraint.contype`, ...), and
 * `@prisma/adapter-pg` refuses OID 18 as an unsupported native type. The wire value of a `"char"` is a
 * one-character string, so relabelling it as text before the adapter sees the field list is lossless.
 * The original OID is kept on the field (`originalDataTypeID`) so the migration adapter can tell the
 * engine the column is a character (see `adapter.ts`). Patches `pg.Result.prototype.addFields` once per
 * process; application queries never select `"char"`, and for them the relabel is harmless anyway.
 */
export function mapCharOidToText(): void {
  if (patched) return;
  patched = true;
  const proto = (pg as unknown as { Result: { prototype: ResultWithAddFields } }).Result.prototype;
  const original = proto.addFields;
  proto.addFields = function addFields(this: ResultWithAddFields, fields: MappedFieldDescription[]) {
    for (const field of fields) {
      if (field.dataTypeID === CHAR_OID) {
        field.dataTypeID = TEXT_OID;
        field.originalDataTypeID = CHAR_OID;
      }
    }
    return original.call(this, fields);
  };
}

/**
 * The fields of a stored activity that an export contains, and nothing else: a field the platform adds to
 * `contactactivities` later (or an internal one such as `accountId`) is never exported unless it is added here.
 */
export const EXPORTED_FIELDS = [
  '_id',
  'cID',
  'email',
  'action',
  'time',
  'bmID',
  'mdtID',
  'mcID',
  'message_name',
  'first',
  'properties',
  'system_properties',
] as const;

/** The exported fields that hold objects, into which a column may reach with a dot path. */
export const NESTED_FIELDS: readonly string[] = ['properties', 'system_properties'];

/**
 * Turns a stored activity into a plain JSON record of the exported fields: ObjectIds become hex strings, dates
 * ISO 8601 UTC strings. Records travel on Kafka in this form, so the writer formats plain JSON only.
 */
export function toExportRecord(document: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const field of EXPORTED_FIELDS) {
    if (Object.hasOwn(document, field)) record[field] = toPlain(document[field]);
  }
  return record;
}

function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    if (isObjectId(value)) return value.toHexString();
    // No prototype: a stored key named __proto__ stays an ordinary key.
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, inner] of Object.entries(value)) out[key] = toPlain(inner);
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function isObjectId(value: object): value is { toHexString(): string } {
  return (value as { _bsontype?: string })._bsontype === 'ObjectId';
}

/**
 * A record's place in the export order (time, then _id) as one string, from its exported form: the continuity key
 * the query puts on each batch and the writer checks against the last record it wrote.
 */
export function recordKeyOf(record: Record<string, unknown>): string {
  return JSON.stringify([record.time ?? null, record._id ?? null]);
}

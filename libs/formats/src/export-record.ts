/** Fields of a stored activity that are internal to the platform and never exported. */
const INTERNAL_FIELDS = new Set(['accountId']);

/**
 * Turns a stored activity into a plain JSON record: ObjectIds become hex strings, dates ISO 8601 UTC strings,
 * internal fields are dropped. Records travel on Kafka in this form, so the writer formats plain JSON only.
 */
export function toExportRecord(document: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) {
    if (!INTERNAL_FIELDS.has(key)) record[key] = toPlain(value);
  }
  return record;
}

function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    if (isObjectId(value)) return value.toHexString();
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toPlain(inner);
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function isObjectId(value: object): value is { toHexString(): string } {
  return (value as { _bsontype?: string })._bsontype === 'ObjectId';
}

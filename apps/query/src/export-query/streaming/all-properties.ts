import { OutputSpec } from '@cae/contracts';
import { DEFAULT_CSV_COLUMNS, expandAlias } from '@cae/formats';

/** A system property key usable as a column: no dots (they would read as a path) and a sane length. */
const USABLE_KEY = /^[^.]{1,128}$/;
export const MAX_PROPERTY_COLUMNS = 500;

/** Collects system property keys of surveyed records, bounded so a pathological dataset cannot grow it forever. */
export class PropertyKeyCollector {
  private readonly keys = new Set<string>();

  add(systemProperties: unknown): void {
    if (typeof systemProperties !== 'object' || systemProperties === null || Array.isArray(systemProperties)) return;
    for (const key of Object.keys(systemProperties)) {
      if (this.keys.size >= MAX_PROPERTY_COLUMNS) return;
      if (USABLE_KEY.test(key)) this.keys.add(key);
    }
  }

  sorted(): string[] {
    return [...this.keys].sort();
  }
}

/**
 * `showAllProperties`: the listed columns (or the default CSV set without the `system_properties` blob), then one
 * `system_properties.<key>` column per key found in the exported records, sorted, unless already listed. The
 * keys come from one survey of the whole export, so every chunk has the same columns. A JSON export without
 * `columnHeaders` already carries every property and is left as it is.
 */
export function withAllSystemProperties(output: OutputSpec, keys: string[] | undefined): OutputSpec {
  if (!output.showAllProperties || !keys) return output;
  if (output.format === 'json' && !output.columns?.length) return output;
  const base = output.columns?.length
    ? output.columns
    : DEFAULT_CSV_COLUMNS.filter((path) => path !== 'system_properties').map((path) => ({ name: path, label: path }));
  const listed = new Set(base.map((column) => expandAlias(column.name)));
  const extra = keys
    .map((key) => `system_properties.${key}`)
    .filter((path) => !listed.has(path))
    .map((path) => ({ name: path, label: path }));
  return { ...output, columns: [...base, ...extra] };
}

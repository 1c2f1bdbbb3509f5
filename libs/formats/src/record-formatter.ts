import { OutputSpec } from '@cae/contracts';
import { Column, resolveColumns } from './columns';
import { csvHeader, csvRecord } from './csv';
import { jsonLine } from './ndjson';

/** Formats records for one export: the file header (if any) and one line per record. */
export class RecordFormatter {
  private readonly columns: Column[] | null;

  constructor(private readonly output: OutputSpec) {
    this.columns = resolveColumns(output.columns, output.format);
  }

  /** Text that opens every file: the CSV header row when `showHeader`, else nothing. */
  header(): string {
    return this.output.format === 'csv' && this.output.showHeader && this.columns
      ? csvHeader(this.columns, this.output.escapeFormulas)
      : '';
  }

  line(record: Record<string, unknown>): string {
    return this.output.format === 'csv'
      ? csvRecord(record, this.columns ?? [], this.output.escapeFormulas)
      : jsonLine(record, this.columns);
  }
}

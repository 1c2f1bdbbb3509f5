import { OutputSpec } from '@cae/contracts';

/**
 * The name of a job's file, from the export name and the chunk index alone (never Kafka offsets), so a file
 * written again after a crash has the same name. Unchunked: `<name>.csv`; chunked (`limitRecordsPerFile` set):
 * `<name>-part-00001.csv`, `<name>-part-00002.csv`, ...; `.gz` appended when compressed.
 */
export function chunkFileName(output: OutputSpec, chunkIndex: number): string {
  const extension = output.format === 'csv' ? 'csv' : 'json';
  const part = output.limitRecordsPerFile ? `-part-${String(chunkIndex + 1).padStart(5, '0')}` : '';
  return `${output.fileBaseName}${part}.${extension}${output.compress ? '.gz' : ''}`;
}

/** Which chunk a record belongs to: chunk k holds sequence numbers [k * limit, (k + 1) * limit). */
export function chunkIndexOf(seq: number, limitRecordsPerFile: number | undefined): number {
  return limitRecordsPerFile ? Math.floor(seq / limitRecordsPerFile) : 0;
}

/** Content type of an export file, from its name. */
export function contentTypeOf(fileName: string): string {
  if (fileName.endsWith('.gz')) return 'application/gzip';
  return fileName.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/x-ndjson';
}

import { OutputSpec } from '@cae/contracts';
import { chunkFileName } from '@cae/formats';

/** As many files as the job resource lists (its first 100); `fileCount` says how many there would be. */
export const DRY_RUN_LISTED_FILES = 100;

export interface PlannedFile {
  name: string;
  /** Records the file would hold; null when the count timed out. */
  records: number | null;
}

export interface FilePlan {
  /** null when the count timed out and the export is chunked (the number of files depends on it). */
  fileCount: number | null;
  files: PlannedFile[];
}

/**
 * The files an export of `count` records would make, named as the writer names them (chunkFileName): one file
 * without `limitRecordsPerFile` (its header alone when nothing matches), else one per `limitRecordsPerFile`
 * records, the last one holding the rest.
 */
export function planFiles(output: OutputSpec, count: number | null): FilePlan {
  const limit = output.limitRecordsPerFile;
  if (!limit) return { fileCount: 1, files: [{ name: chunkFileName(output, 0), records: count }] };
  if (count === null) return { fileCount: null, files: [] };
  const fileCount = Math.max(1, Math.ceil(count / limit));
  const files = Array.from({ length: Math.min(fileCount, DRY_RUN_LISTED_FILES) }, (_, index) => ({
    name: chunkFileName(output, index),
    records: Math.min(limit, count - index * limit),
  }));
  return { fileCount, files };
}

import { NonRetriableError } from '@cae/kafka';

/** How many files an export of `records` records makes: one without a limit, else one per limit (at least one). */
export function plannedFiles(records: number, limitRecordsPerFile: number | undefined): number {
  return limitRecordsPerFile ? Math.max(1, Math.ceil(records / limitRecordsPerFile)) : 1;
}

/**
 * Refuses, once the records are counted and before any is read, an export that would make more files than a job
 * may have: every file is tracked by the jobs service and listed by the API, so their number is bounded.
 */
export function checkFileCount(records: number, limitRecordsPerFile: number | undefined, maxFiles: number): void {
  const files = plannedFiles(records, limitRecordsPerFile);
  if (files <= maxFiles) return;
  const fitting = Math.ceil(records / maxFiles);
  throw new NonRetriableError(
    'TOO_MANY_FILES',
    `the export would make ${files} files (${records} records, limitRecordsPerFile ${limitRecordsPerFile}); a job may have at most ` +
      `${maxFiles}: set limitRecordsPerFile to ${fitting} or more, or narrow the export`,
  );
}

/** Where a finished chunk waits between writer and delivery. Deterministic: a re-staged chunk overwrites. */
export function stagingKey(jobId: string, fileName: string): string {
  return `${stagingPrefix(jobId)}${fileName}`;
}

/** The folder of a job's staged chunks (every stagingKey of the job starts with it). */
export function stagingPrefix(jobId: string): string {
  return `staging/${jobId}/`;
}

/** Where a file kept in internal storage lives, under its account so a key can never cross tenants. */
export function internalFileKey(accountId: string, jobId: string, fileName: string): string {
  return `${internalFilesPrefix(accountId, jobId)}${fileName}`;
}

/** The folder of a job's internally kept files (every internalFileKey of the job starts with it). */
export function internalFilesPrefix(accountId: string, jobId: string): string {
  return `accounts/${encodeURIComponent(accountId)}/jobs/${jobId}/`;
}

/** Where a finished chunk waits between writer and delivery. Deterministic: a re-staged chunk overwrites. */
export function stagingKey(jobId: string, fileName: string): string {
  return `staging/${jobId}/${fileName}`;
}

/** Where a file kept in internal storage lives, under its account so a key can never cross tenants. */
export function internalFileKey(accountId: string, jobId: string, fileName: string): string {
  return `accounts/${encodeURIComponent(accountId)}/jobs/${jobId}/${fileName}`;
}

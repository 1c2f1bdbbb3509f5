/**
 * The Kafka key of a records batch. An unchunked export's batches are keyed by the job alone, so they stay in order on
 * one partition. A chunked export's are keyed by job and chunk, `<jobId>:<chunkIndex>` (chunk k holds the records
 * with sequence numbers [k * limit, (k + 1) * limit)): each chunk stays in order on one partition, and the chunks of
 * one big job spread over the partitions, so several writer replicas write them at once. The query cuts batches at
 * chunk boundaries, so a batch belongs to one chunk; an empty final batch belongs to the chunk of its `firstSeq`.
 */
export function recordsKey(jobId: string, firstSeq: number, limitRecordsPerFile: number | undefined): string {
  return limitRecordsPerFile ? `${jobId}:${Math.floor(firstSeq / limitRecordsPerFile)}` : jobId;
}

/** The job of a records message key (either form of `recordsKey`; a key from before chunk keys is the job id). */
export function jobIdOfRecordsKey(key: string): string {
  return key.split(':', 1)[0];
}

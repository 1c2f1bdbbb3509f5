import { randomUUID } from 'node:crypto';
import { database } from './fixtures';

/** The internal topics, each with a well-formed JSON payload that breaks its contract in one named field. */
export const INTERNAL_TOPICS = {
  requested: 'contactactivityexport.requested.v1',
  records: 'contactactivityexport.records.v1',
  chunks: 'contactactivityexport.chunks.v1',
  status: 'contactactivityexport.job-status.v1',
} as const;
export type InternalTopic = keyof typeof INTERNAL_TOPICS;

export const DEAD_LETTER_TOPIC = 'contactactivityexport.dlq.v1';

/** The error code a job gets when a message about it on that topic cannot be read. */
export const POISON_CODE: Record<InternalTopic, string> = {
  requested: 'INVALID_REQUEST_MESSAGE',
  records: 'INVALID_RECORDS_MESSAGE',
  chunks: 'INVALID_CHUNK_MESSAGE',
  status: 'INVALID_STATUS_EVENT',
};

export function poisonFor(
  topic: InternalTopic,
  jobId: string,
  accountId: string,
): { payload: object; badField: RegExp } {
  switch (topic) {
    case 'requested':
      return {
        payload: { jobId, accountId, createdAt: 'yesterday', filter: {}, output: {}, delivery: {} },
        badField: /createdAt/,
      };
    case 'records':
      return {
        payload: { jobId, accountId, batchSeq: 'first', firstSeq: 0, records: [], final: true },
        badField: /batchSeq/,
      };
    case 'chunks':
      return { payload: { jobId, accountId, chunkIndex: -1, name: '../../x.csv' }, badField: /chunkIndex/ };
    case 'status':
      return {
        payload: {
          type: 'file.delivered',
          jobId,
          accountId,
          at: new Date().toISOString(),
          service: 'x',
          file: { name: 7 },
        },
        badField: /file/,
      };
  }
}

/** A job as the gateway records it before publishing the request: the job a poison message is about. */
export async function insertPendingJob(accountId: string, name: string, jobId: string = randomUUID()): Promise<string> {
  try {
    await (await database()).collection('jobs').insertOne({
      _id: jobId as never,
      accountId,
      jobName: 'contactactivityexport',
      name,
      status: 'pending',
      totalItems: null,
      completedItems: 0,
      createdAt: new Date(),
      startedAt: null,
      endedAt: null,
      request: { exportType: 'csv', name },
      fileCount: 0,
    });
  } catch (error) {
    // Inserted by an earlier attempt whose answer was lost (the fault harness retries while the database restarts).
    if ((error as { code?: number }).code !== 11000) throw error;
  }
  return jobId;
}

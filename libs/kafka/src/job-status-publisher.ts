import { isUUID } from 'class-validator';
import { DeliveredFile, JobError, Topic } from '@cae/contracts';
import { ContractProducer } from './contract-producer';

/** What a service can tell about a job on the job-status topic (the public contract, docs/asyncapi.yaml). */
export type JobStatusFact =
  | { type: 'query.started'; totalItems?: number }
  | { type: 'file.delivered'; file: DeliveredFile }
  | { type: 'job.completed'; fileCount: number; totalRecords: number }
  | { type: 'job.failed'; error: JobError }
  | { type: 'job.cancel.requested' }
  | { type: 'job.cancelled' };

export type ReportingService = 'gateway' | 'query' | 'writer' | 'delivery' | 'jobs';

/**
 * The one way every service reports a fact about a job: keyed by the job (so its events stay in order), stamped
 * with the time and the reporting service, validated against the contract by the producer.
 */
export function publishJobStatus(
  producer: ContractProducer,
  service: ReportingService,
  job: { jobId: string; accountId?: string },
  fact: JobStatusFact,
): Promise<void> {
  return producer.publish(Topic.JobStatus, job.jobId, {
    ...fact,
    jobId: job.jobId,
    accountId: job.accountId ?? 'unknown',
    at: new Date().toISOString(),
    service,
  });
}

/**
 * Reports a job as failed, from the service that gave up on it. A report that cannot be sent is passed to `onError`
 * (to log it) and thrown: the caller must not move on (commit the message it gave up on) until the job's failure is
 * known, or the job would stay `processing` for ever. ContractConsumer retries it.
 */
export async function reportJobFailure(
  producer: ContractProducer,
  failure: { service: ReportingService; jobId: string; accountId?: string } & JobError,
  onError: (error: unknown) => void,
): Promise<void> {
  // A message keyed by anything but a job id names no job to fail (it was still dead-lettered).
  if (!isUUID(failure.jobId)) return;
  const error = { code: failure.code, message: failure.message.slice(0, 2000) };
  await publishJobStatus(producer, failure.service, failure, { type: 'job.failed', error }).catch(
    (publishError: unknown) => {
      onError(publishError);
      throw publishError;
    },
  );
}

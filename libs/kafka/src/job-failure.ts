import { isUUID } from 'class-validator';
import { JobErrorCode, Topic } from '@cae/contracts';
import { ContractProducer } from './contract-producer';

/**
 * Reports a job as failed on the job-status topic, from the service that gave up on it. A report that cannot be
 * sent is passed to `onError` (to log it) and thrown: the caller must not move on (commit the message it gave up
 * on) until the job's failure is known, or the job would stay `processing` for ever. ContractConsumer retries it.
 */
export async function reportJobFailure(
  producer: ContractProducer,
  failure: { service: string; jobId: string; accountId?: string; code: JobErrorCode; message: string },
  onError: (error: unknown) => void,
): Promise<void> {
  // A message keyed by anything but a job id names no job to fail (it was still dead-lettered).
  if (!isUUID(failure.jobId)) return;
  await producer
    .publish(Topic.JobStatus, failure.jobId, {
      type: 'job.failed', jobId: failure.jobId, accountId: failure.accountId ?? 'unknown', at: new Date().toISOString(),
      service: failure.service, error: { code: failure.code, message: failure.message.slice(0, 2000) },
    })
    .catch((error: unknown) => {
      onError(error);
      throw error;
    });
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { ContractProducer, errorMessage, PRODUCER, publishJobStatus, sleep } from '@cae/kafka';
import { ACTIVE_JOB_STATUSES, CANCELLED_JOB_STATUSES, JobDocument } from '@cae/mongo';
import { ApiError } from '../http/api-error';
import { JobRepository } from './job.repository';

/** How long the answer to a DELETE waits for the jobs service to apply the request (it normally takes milliseconds). */
export const CANCEL_ANSWER_WAIT_MS = 5_000;
const POLL_MS = 100;

const ACTIVE = new Set<string>(ACTIVE_JOB_STATUSES);
const CANCELLED = new Set<string>(CANCELLED_JOB_STATUSES);

/**
 * `DELETE /v2/jobs/{jobId}`. The gateway writes no job state: it publishes `job.cancel.requested` on the job-status
 * topic (keyed by the job, so the jobs service applies it in order with the job's other events: a completion
 * applied first makes the job `done`, a cancel applied first makes it `cancelling`, never both), then waits up to
 * CANCEL_ANSWER_WAIT_MS for the jobs service to have applied it, and answers with the job as stored then.
 */
@Injectable()
export class JobCancelService {
  private readonly logger = new Logger(JobCancelService.name);

  constructor(
    private readonly jobs: JobRepository,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
  ) {}

  /**
   * The job after the request: `cancelling` or `cancelled` (or still `pending`/`processing` when the jobs service
   * did not apply the request in time; it will). A job being or already cancelled is answered as it is, without
   * asking again (a repeated DELETE changes nothing). 409 JOB_ALREADY_ENDED for a done or failed job, also when it
   * ended before the request was applied; 503 QUEUE_UNAVAILABLE when Kafka did not take the request.
   */
  async cancel(job: JobDocument, waitMs = CANCEL_ANSWER_WAIT_MS): Promise<JobDocument> {
    if (CANCELLED.has(job.status)) return job;
    if (!ACTIVE.has(job.status)) throw alreadyEnded(job);
    const { _id: jobId, accountId } = job;
    try {
      await publishJobStatus(this.producer, 'gateway', { jobId, accountId }, { type: 'job.cancel.requested' });
    } catch (error) {
      this.logger.error({
        message: 'could not publish a cancel request',
        jobId,
        accountId,
        error: errorMessage(error),
      });
      throw new ApiError(503, 'QUEUE_UNAVAILABLE', 'the job queue is unavailable; nothing changed, please retry later');
    }
    this.logger.log({ message: 'job cancel requested', jobId, accountId });
    let current = job;
    for (const deadline = Date.now() + waitMs; ACTIVE.has(current.status) && Date.now() < deadline;) {
      await sleep(POLL_MS);
      current = (await this.jobs.findOne(accountId, jobId)) ?? current;
    }
    if (!ACTIVE.has(current.status) && !CANCELLED.has(current.status)) throw alreadyEnded(current);
    return current;
  }
}

function alreadyEnded(job: JobDocument): ApiError {
  return new ApiError(
    409,
    'JOB_ALREADY_ENDED',
    `job ${job._id} already ended (${job.status}); only a pending or processing job can be cancelled`,
  );
}

import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { isUUID } from 'class-validator';
import { accountIdOf, InvalidPayloadError, JobError, JobStatusValue, Topic, validatePayload } from '@cae/contracts';
import {
  backoffMs,
  ContractProducer,
  errorMessage,
  PRODUCER,
  publishDeadLetter,
  reportJobFailure,
  sleep,
} from '@cae/kafka';
import { isDatabaseUnavailable } from '@cae/mongo';
import { serviceMetrics } from '@cae/service-kit';
import { JobsEnv } from '../config/jobs-env';
import { CancellationFinisher } from '../reconciler/cancellation-finisher';
import { JobStateRepository } from './job-state.repository';

/**
 * Applies job-status events to the jobs collection. Runs on `@nestjs/microservices`' Kafka transport: one event
 * at a time, committed after the handler resolved. An event whose effect fails (database away) is retried in place
 * with backoff, heartbeating, JOB_STATUS_MAX_ATTEMPTS times; then, like an off-contract event, it goes to the
 * dead-letter topic and its job fails, instead of blocking the partition for good.
 */
@Controller()
export class JobStatusController {
  private readonly logger = new Logger(JobStatusController.name);

  constructor(
    private readonly jobs: JobStateRepository,
    private readonly env: JobsEnv,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly cancellations: CancellationFinisher,
  ) {}

  @EventPattern(Topic.JobStatus)
  async onJobStatus(@Ctx() context: KafkaContext): Promise<void> {
    const message = context.getMessage();
    let event: JobStatusValue;
    try {
      event = validatePayload(Topic.JobStatus, message.value);
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
      await this.deadLetter(context, error.message, {
        code: 'INVALID_STATUS_EVENT',
        message: 'a progress report of this export could not be read; please run the export again',
      });
      return;
    }
    // Heartbeats while the event is retried, so the group does not take the partition away meanwhile.
    const pacemaker = setInterval(
      () =>
        void context
          .getHeartbeat()()
          .catch(() => undefined),
      3_000,
    );
    try {
      await this.applyWithRetries(context, event);
      serviceMetrics.messagesConsumed.inc({ topic: Topic.JobStatus });
    } finally {
      clearInterval(pacemaker);
    }
  }

  /**
   * Retries a failing effect: without limit while the database is unreachable (the events wait, uncommitted, for it
   * to come back), JOB_STATUS_MAX_ATTEMPTS times for any other failure, then parks the event and fails its job.
   */
  private async applyWithRetries(context: KafkaContext, event: JobStatusValue): Promise<void> {
    let counted = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.apply(event);
      } catch (error) {
        if (!isDatabaseUnavailable(error)) counted += 1;
        if (counted >= this.env.JOB_STATUS_MAX_ATTEMPTS) {
          this.logger.error({
            message: 'job-status event kept failing',
            jobId: event.jobId,
            accountId: event.accountId,
            attempts: attempt + 1,
            error: errorMessage(error),
          });
          return this.deadLetter(
            context,
            `could not be applied after ${attempt + 1} attempts: ${errorMessage(error)}`,
            {
              code: 'STATUS_NOT_APPLIED',
              message: 'a progress report of this export could not be recorded; please run the export again',
            },
          );
        }
        serviceMetrics.retries.inc({ stage: Topic.JobStatus });
        this.logger.warn({
          message: 'job-status event not applied; retrying',
          jobId: event.jobId,
          accountId: event.accountId,
          attempt,
          error: errorMessage(error),
        });
        await sleep(
          backoffMs(Math.min(attempt, 10), this.env.JOB_STATUS_RETRY_BASE_MS, this.env.JOB_STATUS_RETRY_CAP_MS),
        );
      }
    }
  }

  private async apply(event: JobStatusValue): Promise<void> {
    const at = new Date(event.at);
    switch (event.type) {
      case 'query.started':
        return this.jobs.markStarted(event.jobId, at, event.totalItems);
      case 'file.delivered': {
        const file = event.file!;
        const outcome = await this.jobs.addFile(event.jobId, event.accountId, file, at, this.env.FILE_RETENTION_DAYS);
        if (outcome === 'ignored')
          this.logger.log({
            message: 'file delivered after the cancel request; not recorded',
            jobId: event.jobId,
            accountId: event.accountId,
            chunk: file.chunkIndex,
          });
        return;
      }
      case 'job.completed': {
        const outcome = await this.jobs.complete(event.jobId, at, event.fileCount ?? 0, event.totalRecords ?? 0);
        if (outcome === 'ignored') {
          this.logger.log({
            message: 'completion after the cancel request; the job ends cancelled',
            jobId: event.jobId,
            accountId: event.accountId,
          });
        } else if (outcome === 'incomplete') {
          this.logger.error({
            message: 'completion without every file',
            jobId: event.jobId,
            accountId: event.accountId,
          });
          await this.jobs.fail(event.jobId, at, {
            code: 'FILES_INCOMPLETE',
            message: 'not every file of the export was delivered; please run it again',
          });
        } else {
          this.logger.log({
            message: 'job done',
            jobId: event.jobId,
            accountId: event.accountId,
            records: event.totalRecords,
          });
        }
        return;
      }
      case 'job.failed':
        this.logger.warn({
          message: 'job failed',
          jobId: event.jobId,
          accountId: event.accountId,
          code: event.error?.code,
        });
        return this.jobs.fail(event.jobId, at, event.error!);
      case 'job.cancel.requested':
        if (await this.jobs.requestCancel(event.jobId, at)) {
          this.logger.log({ message: 'job cancelling', jobId: event.jobId, accountId: event.accountId });
          this.cancellations.watch(event.jobId, event.accountId);
        }
        return;
      case 'job.cancelled':
        this.logger.log({ message: 'job cancelled', jobId: event.jobId, accountId: event.accountId });
        return this.jobs.finishCancel(event.jobId, at);
    }
  }

  private async deadLetter(context: KafkaContext, reason: string, failure: JobError): Promise<void> {
    const message = context.getMessage();
    // The key is the job; the account is the one the event names, if it names one (an unreadable event may not).
    this.logger.error({
      message: 'job-status event dead-lettered',
      jobId: message.key?.toString(),
      accountId: accountIdOf(JSON.stringify(message.value ?? null)),
      reason,
    });
    serviceMetrics.deadLetters.inc({ topic: Topic.JobStatus });
    await publishDeadLetter(this.producer, {
      sourceTopic: Topic.JobStatus,
      partition: context.getPartition(),
      offset: message.offset,
      key: message.key?.toString(),
      reason,
      payload: JSON.stringify(message.value ?? null),
    });
    await this.failAffectedJob(message.key?.toString(), failure);
  }

  /**
   * An unreadable (or unappliable) event is a lost fact about its job (a file, the count, the end), so the job
   * could never end correctly: it fails now, through a job.failed event like any other, so subscribers hear of it.
   */
  private async failAffectedJob(jobId: string | undefined, failure: JobError): Promise<void> {
    if (!jobId || !isUUID(jobId)) return;
    const accountId = await this.jobs.accountOf(jobId);
    if (!accountId) return;
    // The Nest transport commits after the handler whatever happens: try hard here, then leave it to the log.
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        return await reportJobFailure(this.producer, { service: 'jobs', jobId, accountId, ...failure }, (error) =>
          this.logger.error({ message: 'could not report failure', jobId, accountId, attempt, error: String(error) }),
        );
      } catch {
        await sleep(backoffMs(attempt, 500, 10_000));
      }
    }
  }
}

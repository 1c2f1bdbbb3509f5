import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobErrorCode, Topic, TopicPayloads } from '@cae/contracts';
import { ContractProducer, errorMessage, PRODUCER, reportJobFailure } from '@cae/kafka';
import { Collections, Db, JobDocument, MONGO_DB } from '@cae/mongo';
import { JobsEnv } from '../config/jobs-env';
import { CancellationFinisher } from './cancellation-finisher';

/**
 * Makes sure every job ends (DESIGN.md, promise 5), looking at unfinished jobs every JOB_RECONCILE_INTERVAL_MS:
 * - pending with no query checkpoint after JOB_REPUBLISH_AFTER_MS: the request never reached a query replica (the
 *   gateway was killed between storing the job and publishing it): its stored request is published again (the
 *   query service takes a request once, by job id); after JOB_NOT_QUEUED_AFTER_MS it fails NOT_QUEUED;
 * - processing with no sign of work for JOB_STALL_MS (no checkpoint saved, no file written or delivered, no
 *   delivery queued or retrying): it fails STALLED.
 * - cancelling: ended `cancelled` once nothing works on it any more (CancellationFinisher; its own watch does that
 *   within a second, this round covers a watch lost with a restart).
 * Failures go out as job.failed events, so every service stops the job and subscribers hear of it. Several jobs
 * replicas may run this at once: a re-publish is claimed by a conditional update, and failing twice is harmless.
 * A job that is cancelling or cancelled is neither published again nor failed: only pending and processing jobs
 * are looked at, and every move is conditional on that state.
 */
@Injectable()
export class JobReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobReconciler.name);
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly env: JobsEnv,
    private readonly cancellations: CancellationFinisher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.reconcile(), this.env.JOB_RECONCILE_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private get jobs() {
    return this.db.collection<JobDocument>(Collections.jobs);
  }

  async reconcile(now = new Date()): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.pendingJobs(now);
      await this.processingJobs(now);
      await this.cancellations.finishAll(now);
    } catch (error) {
      this.logger.warn({ message: 'reconciling jobs failed; trying again later', error: errorMessage(error) });
    } finally {
      this.busy = false;
    }
  }

  private async pendingJobs(now: Date): Promise<void> {
    const before = new Date(now.getTime() - this.env.JOB_REPUBLISH_AFTER_MS);
    // Every unfinished job each round (no limit: a limit without a cursor would look at the same ones every time).
    for await (const job of this.jobs.find({ status: 'pending', createdAt: { $lt: before } }).sort({ createdAt: 1 })) {
      if (await this.hasCheckpoint(job._id)) continue; // queued at a query replica: it will run
      if (now.getTime() - job.createdAt.getTime() >= this.env.JOB_NOT_QUEUED_AFTER_MS) {
        await this.fail(job, 'NOT_QUEUED', 'the export could not be queued for an hour; please run it again');
      } else if (job.requested && !(job.republishedAt && job.republishedAt > before)) {
        await this.republish(job, now);
      }
    }
  }

  private async republish(job: JobDocument, now: Date): Promise<void> {
    const claimed = await this.jobs.updateOne(
      { _id: job._id, status: 'pending', republished: job.republished ?? { $exists: false } },
      { $set: { republished: (job.republished ?? 0) + 1, republishedAt: now } },
    );
    if (claimed.modifiedCount !== 1) return; // another jobs replica did it
    try {
      await this.producer.publish(Topic.Requested, job._id, job.requested as unknown as TopicPayloads[Topic.Requested]);
      this.logger.warn({
        message: 'request published again: no query replica had it',
        jobId: job._id,
        accountId: job.accountId,
      });
    } catch (error) {
      this.logger.error({
        message: 'could not publish the request again',
        jobId: job._id,
        accountId: job.accountId,
        error: errorMessage(error),
      });
    }
  }

  private async processingJobs(now: Date): Promise<void> {
    const before = new Date(now.getTime() - this.env.JOB_STALL_MS);
    for await (const job of this.jobs
      .find({ status: 'processing', startedAt: { $lt: before } })
      .sort({ startedAt: 1 })) {
      const last = await this.lastSignOfWork(job, before);
      if (last === 'queued' || (last && last > before)) continue;
      await this.fail(job, 'STALLED', 'the export made no progress for too long and was stopped; please run it again');
    }
  }

  /**
   * The latest time any service worked on the job, or 'queued' when delivery has an upload for it that is due,
   * under way or waiting for its retry (a delivery whose claims keep lapsing fails by itself; one due long ago
   * and never taken means no delivery replica runs). Null when nothing ever happened.
   */
  private async lastSignOfWork(job: JobDocument, before: Date): Promise<Date | 'queued' | null> {
    const upload = await this.db
      .collection(Collections.deliveryQueue)
      .findOne({ jobId: job._id, kind: 'chunk', dueAt: { $gt: before } }, { projection: { _id: 1 } });
    if (upload) return 'queued';
    const byId = { _id: job._id as never };
    const checkpoint = await this.db
      .collection(Collections.queryCheckpoints)
      .findOne(byId, { projection: { progressAt: 1, workAt: 1, createdAt: 1 } });
    const writer = await this.db.collection(Collections.writerProgress).findOne(byId, { projection: { updatedAt: 1 } });
    const file = await this.db
      .collection(Collections.jobFiles)
      .find({ jobId: job._id })
      .sort({ deliveredAt: -1 })
      .limit(1)
      .next();
    const times = [
      checkpoint?.progressAt,
      checkpoint?.workAt,
      checkpoint?.createdAt,
      writer?.updatedAt,
      file?.deliveredAt,
    ].filter((t): t is Date => t instanceof Date);
    return times.length > 0 ? new Date(Math.max(...times.map((t) => t.getTime()))) : null;
  }

  private async hasCheckpoint(jobId: string): Promise<boolean> {
    return (
      (await this.db
        .collection(Collections.queryCheckpoints)
        .findOne({ _id: jobId as never }, { projection: { _id: 1 } })) !== null
    );
  }

  private async fail(job: JobDocument, code: JobErrorCode, message: string): Promise<void> {
    this.logger.warn({ message: 'job failed by the reconciler', jobId: job._id, accountId: job.accountId, code });
    await reportJobFailure(
      this.producer,
      { service: 'jobs', jobId: job._id, accountId: job.accountId, code, message },
      (error) =>
        this.logger.error({
          message: 'could not report failure',
          jobId: job._id,
          accountId: job.accountId,
          error: errorMessage(error),
        }),
    ).catch(() => undefined); // the next round tries again
  }
}

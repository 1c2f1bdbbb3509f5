import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ContractProducer, errorMessage, PRODUCER, publishJobStatus, sleep } from '@cae/kafka';
import { Collections, Db, JobDocument, JobFileDocument, MONGO_DB } from '@cae/mongo';
import { internalFilesPrefix, ObjectStorage, stagingPrefix } from '@cae/storage';
import { JobsEnv } from '../config/jobs-env';

/**
 * Ends cancelling jobs. A cancel request makes a job `cancelling`; every service reads that as ended and stops:
 * the query at its next batch (or within its end check during a long read), the writer drops its open chunk
 * files, delivery aborts an upload under way (no partial file: temporary names are removed, multipart uploads
 * aborted) and removes the staged files. Once nothing works on the job any more (no query replica holds a live
 * lease on it, delivery has no work queued for it), this removes whatever is left under the job's folders in the
 * staging bucket and in internal storage (objects and unfinished multipart uploads), flags the job's internal files
 * removed, and publishes `job.cancelled`, which the job-status consumer applies (`cancelled`). A job still worked
 * on after JOB_CANCEL_TIMEOUT_MS (a replica that never stops) is ended the same way: it always reaches a final state.
 *
 * The consumer that applied the request watches its job (every JOB_CANCEL_CHECK_MS); the reconciler's rounds look
 * at every cancelling job too, for watches lost with a restart. Several jobs replicas may finish one job: removing
 * twice and a second `job.cancelled` are harmless.
 */
@Injectable()
export class CancellationFinisher implements OnApplicationShutdown {
  private readonly logger = new Logger(CancellationFinisher.name);
  private readonly watched = new Set<string>();
  private stopped = false;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly storage: ObjectStorage,
    private readonly env: JobsEnv,
  ) {}

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private get jobs() {
    return this.db.collection<JobDocument>(Collections.jobs);
  }

  /** Tries to end the job every JOB_CANCEL_CHECK_MS until it is no longer cancelling; once per job per replica. */
  watch(jobId: string, accountId: string): void {
    if (this.stopped || this.watched.has(jobId)) return;
    this.watched.add(jobId);
    void this.follow(jobId, accountId).finally(() => this.watched.delete(jobId));
  }

  private async follow(jobId: string, accountId: string): Promise<void> {
    while (!this.stopped) {
      try {
        const job = await this.jobs.findOne({ _id: jobId });
        if (job?.status !== 'cancelling' || (await this.tryFinish(job))) return;
      } catch (error) {
        this.logger.warn({
          message: 'could not end a cancelled job yet; trying again',
          jobId,
          accountId,
          error: errorMessage(error),
        });
      }
      await sleep(this.env.JOB_CANCEL_CHECK_MS);
    }
  }

  /** One look at every cancelling job that no watch of this replica follows (a round of the reconciler). */
  async finishAll(now = new Date()): Promise<void> {
    for await (const job of this.jobs.find({ status: 'cancelling' })) {
      if (!this.watched.has(job._id)) await this.tryFinish(job, now);
    }
  }

  /** Ends the job when nothing works on it any more (or it has waited too long): true once `job.cancelled` is sent. */
  async tryFinish(job: JobDocument, now = new Date()): Promise<boolean> {
    const busy = await this.stillWorkedOn(job._id, now);
    if (busy) {
      const waited = now.getTime() - (job.cancelRequestedAt ?? now).getTime();
      if (waited < this.env.JOB_CANCEL_TIMEOUT_MS) return false;
      this.logger.warn({
        message: `cancelled job still worked on by ${busy} after ${waited} ms; ending it anyway`,
        jobId: job._id,
        accountId: job.accountId,
      });
    }
    await this.removeLeftovers(job, now);
    await publishJobStatus(
      this.producer,
      'jobs',
      { jobId: job._id, accountId: job.accountId },
      { type: 'job.cancelled' },
    );
    return true;
  }

  /** What still works on the job: a query replica reading it (a live lease), or delivery with work queued for it. */
  private async stillWorkedOn(jobId: string, now: Date): Promise<string | null> {
    const checkpoint = await this.db
      .collection(Collections.queryCheckpoints)
      .findOne({ _id: jobId as never }, { projection: { state: 1, leaseUntil: 1 } });
    if (checkpoint?.state === 'running' && checkpoint.leaseUntil && new Date(checkpoint.leaseUntil) > now)
      return 'the query service';
    const queued = await this.db.collection(Collections.deliveryQueue).findOne({ jobId }, { projection: { _id: 1 } });
    return queued ? 'the delivery service' : null;
  }

  /**
   * Removes what is left of the job's files on our own storage: staged chunks and unfinished uploads (a writer or an
   * upload cut short by a crash), and the files it delivered to internal storage, which the job then lists as
   * removed (`expired`, `expiresAt` the time they went). Files at the caller's own destination stay there.
   */
  private async removeLeftovers(job: JobDocument, now: Date): Promise<void> {
    const staged = await this.storage.removeUnder(this.env.STAGING_BUCKET, stagingPrefix(job._id));
    const kept = await this.storage.removeUnder(this.env.FILES_BUCKET, internalFilesPrefix(job.accountId, job._id));
    await this.db
      .collection<JobFileDocument>(Collections.jobFiles)
      .updateMany(
        { jobId: job._id, storageKey: { $exists: true }, expired: { $ne: true } },
        { $set: { expired: true, expiresAt: now } },
      );
    this.logger.log({
      message: 'cancelled job stopped everywhere; its files removed',
      jobId: job._id,
      accountId: job.accountId,
      stagedObjects: staged.objects,
      stagedUploads: staged.uploads,
      internalFiles: kept.objects,
      internalUploads: kept.uploads,
    });
  }
}

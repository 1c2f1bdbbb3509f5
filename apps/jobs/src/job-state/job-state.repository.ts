import { Inject, Injectable, Optional } from '@nestjs/common';
import { DeliveredFile } from '@cae/contracts';
import {
  ACTIVE_JOB_STATUSES,
  CANCELLED_JOB_STATUSES,
  Collections,
  Db,
  FINAL_JOB_STATUSES,
  FinalJobStatus,
  JobDocument,
  JobFileDocument,
  MONGO_DB,
} from '@cae/mongo';
import { SECRETS_COLLECTION } from '@cae/secrets';
import { serviceMetrics } from '@cae/service-kit';
import { JOB_END_HOOKS, JobEndHook } from './job-end-hooks';

const ACTIVE = ACTIVE_JOB_STATUSES;

/**
 * The only writer of job state after creation. Every update is a conditional `$set` derived from idempotent
 * facts (one document per delivered file, keyed by chunk), or an increment made only by the write that created such
 * a fact, so replayed events change nothing and a final job (done, failed, cancelled) never moves again.
 *
 * A job's events are applied one at a time, in the order they were published (one partition per job): a cancel
 * request and a completion are therefore never applied at once, and whichever comes first decides how the job ends.
 */
@Injectable()
export class JobStateRepository {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Optional() @Inject(JOB_END_HOOKS) private readonly hooks: JobEndHook[] = [],
  ) {
    // Series exist from the start (at zero), so the first job's end is seen by increase() and by alerts.
    for (const status of FINAL_JOB_STATUSES) serviceMetrics.jobsEnded.inc({ status }, 0);
  }

  private get jobs() {
    return this.db.collection<JobDocument>(Collections.jobs);
  }

  private get files() {
    return this.db.collection<JobFileDocument>(Collections.jobFiles);
  }

  /** The tenant of a job, or null when there is no such job. */
  async accountOf(jobId: string): Promise<string | null> {
    const job = await this.jobs.findOne({ _id: jobId }, { projection: { accountId: 1 } });
    return job?.accountId ?? null;
  }

  /** `processing` from the first event on; the count when the query service's survey has it. */
  async markStarted(jobId: string, at: Date, totalItems?: number): Promise<void> {
    await this.jobs.updateOne({ _id: jobId, status: 'pending' }, { $set: { status: 'processing', startedAt: at } });
    if (totalItems !== undefined)
      await this.jobs.updateOne({ _id: jobId, status: 'processing' }, { $set: { totalItems } });
  }

  /** Whether a cancel request was applied to the job (it is `cancelling` or `cancelled`). */
  async isCancelled(jobId: string): Promise<boolean> {
    const job = await this.jobs.findOne({ _id: jobId }, { projection: { status: 1 } });
    return job !== null && (CANCELLED_JOB_STATUSES as readonly string[]).includes(job.status);
  }

  /**
   * Records a delivered file: its own document, written once (a replayed report matches it and changes nothing),
   * and only then the job's counters, raised by that file alone. The job document stays the same size however
   * many files a job has. A crash between the two writes leaves the counters one file short until the job ends,
   * when they are recounted from the file documents. A file reported after the job's cancel request is not
   * recorded ('ignored'): its files are removed, and the job lists what was delivered before the request.
   */
  async addFile(
    jobId: string,
    accountId: string,
    file: DeliveredFile,
    at: Date,
    retentionDays: number,
  ): Promise<'recorded' | 'ignored'> {
    if (await this.isCancelled(jobId)) return 'ignored';
    const expiresAt = file.storageKey ? new Date(at.getTime() + retentionDays * 86_400_000) : undefined;
    const written = await this.files.updateOne(
      { _id: `${jobId}:${file.chunkIndex}` },
      {
        $setOnInsert: {
          jobId,
          accountId,
          chunkIndex: file.chunkIndex,
          name: file.name,
          records: file.records,
          bytes: file.bytes,
          sha256: file.sha256,
          storageKey: file.storageKey,
          location: file.location,
          expiresAt,
          deliveredAt: at,
        },
      },
      { upsert: true },
    );
    await this.jobs.updateOne({ _id: jobId, status: 'pending' }, { $set: { status: 'processing', startedAt: at } });
    if (written.upsertedCount === 1) {
      await this.jobs.updateOne({ _id: jobId }, { $inc: { fileCount: 1, completedItems: file.records } });
    }
    return 'recorded';
  }

  /**
   * Marks the job done when every announced file is recorded; otherwise fails it as inconsistent. A completion that
   * comes after the job's cancel request is 'ignored': the job ends cancelled.
   */
  async complete(
    jobId: string,
    at: Date,
    fileCount: number,
    totalRecords: number,
  ): Promise<'done' | 'incomplete' | 'ignored'> {
    if (await this.isCancelled(jobId)) return 'ignored';
    const counted = await this.recount(jobId);
    if (counted.fileCount !== fileCount) return 'incomplete';
    const ended = await this.jobs.findOneAndUpdate(
      { _id: jobId, status: { $in: [...ACTIVE] } },
      { $set: { status: 'done', endedAt: at, totalItems: totalRecords, completedItems: totalRecords } },
    );
    if (ended) countEnd('done', ended.createdAt, at);
    await this.afterEnd(jobId);
    return 'done';
  }

  /**
   * Fails the job; its counters then say exactly what was delivered before it failed. A job that is cancelling or
   * already ended does not move.
   */
  async fail(jobId: string, at: Date, error: { code: string; message: string }): Promise<void> {
    const ended = await this.jobs.findOneAndUpdate(
      { _id: jobId, status: { $in: [...ACTIVE] } },
      { $set: { status: 'failed', endedAt: at, error } },
    );
    if (ended) {
      countEnd('failed', ended.createdAt, at);
      serviceMetrics.jobFailures.inc({ code: error.code });
    }
    await this.recount(jobId);
    await this.afterEnd(jobId);
  }

  /**
   * The cancel request (DELETE /v2/jobs/{id}): a pending or processing job becomes `cancelling`, which every other
   * service reads as ended (libs/mongo JobEndings), so they stop working on it. True when the job is cancelling
   * after this (moved now, or by an earlier copy of the request); false when it had already ended, or is unknown.
   */
  async requestCancel(jobId: string, at: Date): Promise<boolean> {
    await this.jobs.updateOne(
      { _id: jobId, status: { $in: [...ACTIVE] } },
      { $set: { status: 'cancelling', cancelRequestedAt: at } },
    );
    const job = await this.jobs.findOne({ _id: jobId }, { projection: { status: 1 } });
    return job?.status === 'cancelling';
  }

  /**
   * Ends a cancelling job `cancelled` (CancellationFinisher sends the event once nothing works on the job any more
   * and its files are removed); its counters then say what was delivered before the request.
   */
  async finishCancel(jobId: string, at: Date): Promise<void> {
    const ended = await this.jobs.findOneAndUpdate(
      { _id: jobId, status: 'cancelling' },
      { $set: { status: 'cancelled', endedAt: at } },
    );
    if (ended) countEnd('cancelled', ended.createdAt, at);
    await this.recount(jobId);
    await this.afterEnd(jobId);
  }

  /**
   * After a job ended (in any final state): its sealed destination credentials are deleted (nothing needs them any
   * more), then every JobEndHook runs (the `confirmEmail` notice is one). Runs each time an end event is applied, so
   * a crash after the state moved and before this is made good by the event's replay.
   */
  private async afterEnd(jobId: string): Promise<void> {
    const job = await this.jobs.findOne({ _id: jobId, status: { $in: [...FINAL_JOB_STATUSES] } });
    if (!job) return;
    await this.db.collection(SECRETS_COLLECTION).deleteOne({ _id: jobId as never });
    for (const hook of this.hooks) await hook.jobEnded(job);
  }

  /**
   * Sets the job's counters from its file documents: once per job, at its end (a read of every file of the job,
   * its records only), so a crash between a file and its increment is made good.
   */
  private async recount(jobId: string): Promise<{ fileCount: number; completedItems: number }> {
    let fileCount = 0;
    let completedItems = 0;
    for await (const file of this.files.find({ jobId }, { projection: { records: 1 } })) {
      fileCount += 1;
      completedItems += file.records;
    }
    await this.jobs.updateOne({ _id: jobId }, { $set: { fileCount, completedItems } });
    return { fileCount, completedItems };
  }
}

/**
 * Counted once per job: only the update that ended it finds it still active. (No projection on findOneAndUpdate:
 * FerretDB 1.x does not implement it.)
 */
function countEnd(status: FinalJobStatus, createdAt: Date, endedAt: Date): void {
  serviceMetrics.jobsEnded.inc({ status });
  serviceMetrics.jobDuration.observe(
    { status },
    Math.max(0, (endedAt.getTime() - new Date(createdAt).getTime()) / 1000),
  );
}

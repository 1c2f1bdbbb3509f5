import { Inject, Injectable } from '@nestjs/common';
import { DeliveredFile } from '@cae/contracts';
import { Collections, Db, JobDocument, JobFileDocument, MONGO_DB } from '@cae/mongo';
import { SECRETS_COLLECTION } from '@cae/secrets';
import { serviceMetrics } from '@cae/service-kit';

const ACTIVE = ['pending', 'processing'] as const;

/**
 * The only writer of job state after creation. Every update is a conditional `$set` derived from idempotent
 * facts (one document per delivered file, keyed by chunk), or an increment made only by the write that created such
 * a fact, so replayed events change nothing and a terminal job (done, failed) never moves again.
 */
@Injectable()
export class JobStateRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {
    // Series exist from the start (at zero), so the first job's end is seen by increase() and by alerts.
    for (const status of ['done', 'failed']) serviceMetrics.jobsEnded.inc({ status }, 0);
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

  /**
   * Records a delivered file: its own document, written once (a replayed report matches it and changes nothing),
   * and only then the job's counters, raised by that file alone. The job document stays the same size however
   * many files a job has. A crash between the two writes leaves the counters one file short until the job ends,
   * when they are recounted from the file documents.
   */
  async addFile(jobId: string, accountId: string, file: DeliveredFile, at: Date, retentionDays: number): Promise<void> {
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
  }

  /** Marks the job done when every announced file is recorded; otherwise fails it as inconsistent. */
  async complete(jobId: string, at: Date, fileCount: number, totalRecords: number): Promise<'done' | 'incomplete'> {
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

  /** Fails the job; its counters then say exactly what was delivered before it failed. */
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
   * After a job ended: its sealed destination credentials are deleted (nothing needs them any more), and if it
   * asked for `confirmEmail` it gets one pending notice (once, however often this runs).
   */
  private async afterEnd(jobId: string): Promise<void> {
    if (await this.jobs.countDocuments({ _id: jobId, status: { $in: ['done', 'failed'] } }, { limit: 1 })) {
      await this.db.collection(SECRETS_COLLECTION).deleteOne({ _id: jobId as never });
    }
    await this.jobs.updateOne(
      {
        _id: jobId,
        status: { $in: ['done', 'failed'] },
        'request.confirmEmail': { $exists: true },
        notice: { $exists: false },
      },
      { $set: { notice: { state: 'pending', attempts: 0 } } },
    );
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
function countEnd(status: 'done' | 'failed', createdAt: Date, endedAt: Date): void {
  serviceMetrics.jobsEnded.inc({ status });
  serviceMetrics.jobDuration.observe(
    { status },
    Math.max(0, (endedAt.getTime() - new Date(createdAt).getTime()) / 1000),
  );
}

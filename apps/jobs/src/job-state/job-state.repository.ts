import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DeliveredFile } from '@cae/contracts';
import { Collections, Db, JobDocument, JobFileDocument, MONGO_DB } from '@cae/mongo';
import { SECRETS_COLLECTION } from '@cae/secrets';

const ACTIVE = ['pending', 'processing'] as const;

/**
 * The only writer of job state after creation. Every update is a conditional `$set` derived from idempotent
 * facts (one document per delivered file, keyed by chunk), never an increment, so replayed events change nothing
 * and a terminal job (done, failed) never moves again.
 */
@Injectable()
export class JobStateRepository implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get jobs() {
    return this.db.collection<JobDocument>(Collections.jobs);
  }

  private get files() {
    return this.db.collection<JobFileDocument>(Collections.jobFiles);
  }

  async onModuleInit(): Promise<void> {
    await this.files.createIndex({ jobId: 1, chunkIndex: 1 });
  }

  /** The tenant of a job, or null when there is no such job. */
  async accountOf(jobId: string): Promise<string | null> {
    const job = await this.jobs.findOne({ _id: jobId }, { projection: { accountId: 1 } });
    return job?.accountId ?? null;
  }

  /** `processing` from the first event on; the count when the query service's survey has it. */
  async markStarted(jobId: string, at: Date, totalItems?: number): Promise<void> {
    await this.jobs.updateOne({ _id: jobId, status: 'pending' }, { $set: { status: 'processing', startedAt: at } });
    if (totalItems !== undefined) await this.jobs.updateOne({ _id: jobId, status: 'processing' }, { $set: { totalItems } });
  }

  async addFile(jobId: string, accountId: string, file: DeliveredFile, at: Date, retentionDays: number): Promise<void> {
    const expiresAt = file.storageKey ? new Date(at.getTime() + retentionDays * 86_400_000) : undefined;
    await this.files.updateOne(
      { _id: `${jobId}:${file.chunkIndex}` },
      {
        $set: {
          jobId, accountId, chunkIndex: file.chunkIndex, name: file.name, records: file.records, bytes: file.bytes,
          sha256: file.sha256, storageKey: file.storageKey, location: file.location, expiresAt,
        },
        $setOnInsert: { deliveredAt: at },
      },
      { upsert: true },
    );
    await this.jobs.updateOne({ _id: jobId, status: 'pending' }, { $set: { status: 'processing', startedAt: at } });
    await this.refreshFiles(jobId);
  }

  /** Marks the job done when every announced file is listed; otherwise fails it as inconsistent. */
  async complete(jobId: string, at: Date, fileCount: number, totalRecords: number): Promise<'done' | 'incomplete'> {
    const files = await this.refreshFiles(jobId);
    if (files.length !== fileCount) return 'incomplete';
    await this.jobs.updateOne(
      { _id: jobId, status: { $in: [...ACTIVE] } },
      { $set: { status: 'done', endedAt: at, totalItems: totalRecords, completedItems: totalRecords } },
    );
    await this.afterEnd(jobId);
    return 'done';
  }

  async fail(jobId: string, at: Date, error: { code: string; message: string }): Promise<void> {
    await this.jobs.updateOne({ _id: jobId, status: { $in: [...ACTIVE] } }, { $set: { status: 'failed', endedAt: at, error } });
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
      { _id: jobId, status: { $in: ['done', 'failed'] }, 'request.confirmEmail': { $exists: true }, notice: { $exists: false } },
      { $set: { notice: { state: 'pending', attempts: 0 } } },
    );
  }

  /** Copies the file list and the delivered record count onto the job, derived from the file documents. */
  async refreshFiles(jobId: string): Promise<JobFileDocument[]> {
    const files = await this.files.find({ jobId }).sort({ chunkIndex: 1 }).toArray();
    await this.jobs.updateOne(
      { _id: jobId },
      {
        $set: {
          files: files.map(({ name, records, bytes, sha256, storageKey, location, expiresAt, expired, chunkIndex }) => ({
            name, records, bytes, sha256, storageKey, location, expiresAt, expired, chunkIndex,
          })),
          completedItems: files.reduce((sum, file) => sum + file.records, 0),
        },
      },
    );
    return files;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, JobDocument, JobFileDocument, JobStatus, MONGO_DB } from '@cae/mongo';

export interface JobListQuery {
  status?: JobStatus;
  name?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Newest-first keyset cursor: jobs strictly older than this (createdAt, _id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** The gateway's access to jobs. Every method takes the account: no query can cross tenants. */
@Injectable()
export class JobRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get jobs() {
    return this.db.collection<JobDocument>(Collections.jobs);
  }

  /**
   * Records a new job as `pending`. This insert is the job's creation fact, made before the request is published
   * so a GET right after the POST finds it; every later change of state is made by the jobs service.
   */
  async insertPending(job: JobDocument): Promise<void> {
    await this.jobs.insertOne(job);
  }

  /** Only for a request that could not be published: the job would otherwise stay pending forever. */
  async markUnpublished(accountId: string, jobId: string, message: string): Promise<void> {
    await this.jobs.updateOne(
      { _id: jobId, accountId, status: 'pending' },
      { $set: { status: 'failed', endedAt: new Date(), error: { code: 'QUEUE_UNAVAILABLE', message } } },
    );
  }

  /** A page of a job's files in chunk order, after the chunk `after` (from the job_files documents, one per file). */
  files(accountId: string, jobId: string, after: number, limit: number): Promise<JobFileDocument[]> {
    return this.db
      .collection<JobFileDocument>(Collections.jobFiles)
      .find({ jobId, accountId, chunkIndex: { $gt: after } })
      .sort({ chunkIndex: 1 })
      .limit(limit)
      .toArray();
  }

  /** The file of a job by its name, or null. */
  fileNamed(accountId: string, jobId: string, name: string): Promise<JobFileDocument | null> {
    return this.db.collection<JobFileDocument>(Collections.jobFiles).findOne({ jobId, accountId, name });
  }

  findOne(accountId: string, jobId: string): Promise<JobDocument | null> {
    return this.jobs.findOne({ _id: jobId, accountId });
  }

  async list(accountId: string, query: JobListQuery): Promise<JobDocument[]> {
    const and: object[] = [{ accountId }];
    if (query.status) and.push({ status: query.status });
    if (query.name) and.push({ name: query.name });
    if (query.createdFrom) and.push({ createdAt: { $gte: query.createdFrom } });
    if (query.createdTo) and.push({ createdAt: { $lt: query.createdTo } });
    if (query.before) {
      const { createdAt, id } = query.before;
      and.push({ $or: [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }] });
    }
    return this.jobs.find({ $and: and }).sort({ createdAt: -1, _id: -1 }).limit(query.limit).toArray();
  }
}

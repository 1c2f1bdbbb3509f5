import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { Collections } from './collections';
import { JobDocument } from './documents';
import { MONGO_DB } from './mongo.module';

/** Raised by a step that finds its job already ended: the service stops working on the job, without reporting it. */
export class JobEndedError extends Error {}

/**
 * Whether a job already ended (done or failed), read from the jobs service's collection (by _id, cheap everywhere)
 * before work on it: the query stops reading, the writer stages nothing more, delivery delivers nothing more and
 * removes what is staged. A failure anywhere thus stops the job everywhere.
 */
@Injectable()
export class JobEndings {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async hasEnded(jobId: string): Promise<boolean> {
    const job = await this.db
      .collection<JobDocument>(Collections.jobs)
      .findOne({ _id: jobId }, { projection: { status: 1 } });
    return job?.status === 'done' || job?.status === 'failed';
  }

  /** Throws JobEndedError when the job already ended. */
  async assertRunning(jobId: string, where: string): Promise<void> {
    if (await this.hasEnded(jobId)) throw new JobEndedError(`job ${jobId} already ended (${where})`);
  }
}

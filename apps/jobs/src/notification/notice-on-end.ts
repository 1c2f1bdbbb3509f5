import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, JobDocument, MONGO_DB } from '@cae/mongo';
import { JobEndHook } from '../job-state/job-end-hooks';

/**
 * Queues the `confirmEmail` notice of a job that ended (done, failed or cancelled), once however often it runs;
 * NotifierService sends it.
 */
@Injectable()
export class NoticeOnEnd implements JobEndHook {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async jobEnded(job: JobDocument): Promise<void> {
    if (job.request.confirmEmail === undefined) return;
    await this.db
      .collection<JobDocument>(Collections.jobs)
      .updateOne(
        { _id: job._id, 'request.confirmEmail': { $exists: true }, notice: { $exists: false } },
        { $set: { notice: { state: 'pending', attempts: 0 } } },
      );
  }
}

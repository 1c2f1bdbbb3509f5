import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { Collections } from './collections';
import { CANCELLED_JOB_STATUSES, JobDocument, JobStatus } from './documents';
import { MONGO_DB } from './mongo.module';

/** Raised by a step that finds its job already ended: the service stops working on the job, without reporting it. */
export class JobEndedError extends Error {}

/** States in which no service but the jobs service does anything more for a job (`cancelling` included). */
export const STOPPED_JOB_STATUSES: readonly JobStatus[] = ['done', 'failed', 'cancelling', 'cancelled'];

/**
 * Whether a job already ended (done, failed) or is being cancelled, read from the jobs service's collection (by _id,
 * cheap everywhere) before work on it: the query stops reading, the writer stages nothing more, delivery delivers
 * nothing more and removes what is staged. A failure or a cancel request anywhere thus stops the job everywhere.
 */
@Injectable()
export class JobEndings {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private async statusOf(jobId: string): Promise<JobStatus | undefined> {
    const job = await this.db
      .collection<JobDocument>(Collections.jobs)
      .findOne({ _id: jobId }, { projection: { status: 1 } });
    return job?.status;
  }

  async hasEnded(jobId: string): Promise<boolean> {
    const status = await this.statusOf(jobId);
    return status !== undefined && STOPPED_JOB_STATUSES.includes(status);
  }

  /** True once a cancel request was applied: what is left of the job's files is to be removed, not reported. */
  async wasCancelled(jobId: string): Promise<boolean> {
    const status = await this.statusOf(jobId);
    return status !== undefined && (CANCELLED_JOB_STATUSES as readonly JobStatus[]).includes(status);
  }

  /** Throws JobEndedError when the job already ended. */
  async assertRunning(jobId: string, where: string): Promise<void> {
    if (await this.hasEnded(jobId)) throw new JobEndedError(`job ${jobId} already ended (${where})`);
  }
}

/** A running piece of work's view of its job's end: `signal` aborts (reason JobEndedError) once the job ended. */
export interface JobEndWatch {
  readonly signal: AbortSignal;
  stop(): void;
}

/**
 * Asks every `everyMs` whether the job ended, for work that runs long between its own checks (a sort of a whole
 * export, an upload): it stops within about that long after a cancel or a failure elsewhere. A read that fails
 * (the database away) is asked again next time. Stop it when the work ends.
 */
export function watchJobEnd(endings: Pick<JobEndings, 'hasEnded'>, jobId: string, everyMs: number): JobEndWatch {
  const controller = new AbortController();
  let asking = false;
  const timer = setInterval(() => {
    if (asking || controller.signal.aborted) return;
    asking = true;
    endings
      .hasEnded(jobId)
      .then(
        (ended) => {
          if (!ended) return;
          clearInterval(timer);
          controller.abort(new JobEndedError(`job ${jobId} ended while it was worked on`));
        },
        () => undefined,
      )
      .finally(() => (asking = false));
  }, everyMs);
  timer.unref?.();
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}

import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { backoffMs, errorMessage, NonRetriableError, sleep } from '@cae/kafka';
import { JobEndedError, JobEndings, watchJobEnd } from '@cae/mongo';
import { QueryEnv } from '../../config/query-env';
import { CheckpointRepository, QueryCheckpoint } from './checkpoint.repository';
import { ExportQueryRunner } from '../streaming/export-query.runner';
import { LeaseKeeper, LeaseLostError, StopRequestedError } from './lease-keeper';
import { JobError } from '@cae/contracts';
import { serviceMetrics } from '@cae/service-kit';

const MAX_ATTEMPTS = 8;
/**
 * How often a running export asks whether its job ended elsewhere or was cancelled, besides the check after every
 * batch: a long read with no batch yet (a count, a survey, a sort of the whole export) stops within this long.
 */
const END_CHECK_MS = 2_000;

/**
 * Runs queued exports, up to QUERY_CONCURRENCY at a time. Work comes from the checkpoints collection, not from
 * Kafka directly, so a restarted replica resumes its unfinished jobs and a long export never holds a consumer.
 */
@Injectable()
export class QueryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(QueryScheduler.name);
  private readonly running = new Map<string, { job: QueryCheckpoint; done: Promise<void> }>();
  private stopped = false;
  /** Aborted on SIGTERM: running exports stop at their next batch boundary and hand their lease back. */
  private readonly stopping = new AbortController();
  private wake: () => void = () => undefined;
  private loop?: Promise<void>;

  constructor(
    private readonly checkpoints: CheckpointRepository,
    private readonly runner: ExportQueryRunner,
    private readonly env: QueryEnv,
    private readonly endings: JobEndings,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.schedule();
  }

  /**
   * SIGTERM: no new exports; each running one stops at its next batch boundary (checkpoint saved) and hands its lease
   * back, so another replica resumes it at once. Runs before the database and the producer close.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopping.abort(new StopRequestedError('the service is stopping'));
    this.wake();
    await this.loop;
  }

  /** Called when a new request was queued, so it starts without waiting for the next poll. */
  nudge(): void {
    this.wake();
  }

  private async schedule(): Promise<void> {
    while (!this.stopped) {
      try {
        while (this.running.size < this.env.QUERY_CONCURRENCY) {
          const busy = [...this.running.values()].map((entry) => entry.job);
          const job = await this.checkpoints.claimNext(this.env.INSTANCE_ID, this.env.QUERY_LEASE_MS, busy);
          if (!job) break;
          // Claimed before (its epoch counts claims): resumed from its checkpoint after a crash or a hand-back.
          if ((job.epoch ?? 1) > 1) serviceMetrics.leaseTakeovers.inc({ work: 'query' });
          const done = this.runWithRetries(job).finally(() => {
            this.running.delete(job._id);
            this.wake();
          });
          this.running.set(job._id, { job, done });
        }
      } catch (error) {
        this.logger.warn({ message: 'could not claim work', error: errorMessage(error) });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await Promise.allSettled([...this.running.values()].map((entry) => entry.done));
  }

  private async runWithRetries(job: QueryCheckpoint): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const fresh =
          attempt === 0 ? job : await this.checkpoints.claimJob(this.env.INSTANCE_ID, this.env.QUERY_LEASE_MS, job._id);
        if (!fresh) return;
        const keeper = new LeaseKeeper(
          () => this.checkpoints.renewLease(job._id, this.env.INSTANCE_ID, this.env.QUERY_LEASE_MS),
          this.env.QUERY_LEASE_MS,
        ).start();
        // Ended elsewhere or cancelled: the run stops like on a lost lease, then stopEnded tells the writer.
        const ending = watchJobEnd(this.endings, job._id, END_CHECK_MS);
        try {
          await this.runner.run(fresh, AbortSignal.any([keeper.signal, ending.signal]), this.stopping.signal);
        } finally {
          keeper.stop();
          ending.stop();
        }
        return;
      } catch (error) {
        if (error instanceof LeaseLostError) return;
        if (error instanceof StopRequestedError) {
          await this.checkpoints.release(job._id, this.env.INSTANCE_ID).catch(() => undefined); // else the lease lapses
          this.logger.log({
            message: 'stopping: export handed back at a batch boundary',
            jobId: job._id,
            accountId: job.accountId,
          });
          return;
        }
        if (error instanceof JobEndedError) return this.stopEnded(job);
        const final = error instanceof NonRetriableError || attempt + 1 >= MAX_ATTEMPTS;
        this.logger.warn({
          message: 'export query failed',
          jobId: job._id,
          accountId: job.accountId,
          attempt,
          final,
          error: errorMessage(error),
        });
        if (final) return this.fail(job, error);
        await sleep(backoffMs(attempt, 1_000, 30_000));
      }
    }
  }

  /**
   * The job ended elsewhere (its delivery failed) or was cancelled: stop reading, tell the writer, report nothing
   * more. The checkpoint ends `stopped`, which releases the lease (the jobs service waits for that to end a cancel).
   */
  private async stopEnded(job: QueryCheckpoint): Promise<void> {
    this.logger.warn({ message: 'job ended elsewhere; query stopped', jobId: job._id, accountId: job.accountId });
    try {
      await this.runner.publishAbort(job);
      await this.checkpoints.finish(job._id, this.env.INSTANCE_ID, 'stopped');
    } catch (error) {
      this.logger.error({
        message: 'could not stop the ended job; its lease will lapse and it is stopped again',
        jobId: job._id,
        accountId: job.accountId,
        error: errorMessage(error),
      });
    }
  }

  private async fail(job: QueryCheckpoint, error: unknown): Promise<void> {
    const failure: JobError =
      error instanceof NonRetriableError
        ? { code: error.code, message: error.message }
        : { code: 'QUERY_FAILED', message: 'reading the activities failed repeatedly; please retry the export later' };
    try {
      await this.runner.publishStatus(job, { type: 'job.failed', error: failure });
      // The writer may hold an open chunk of this job: without an end it would hold its partition's commit for good.
      await this.runner.publishAbort(job);
      await this.checkpoints.finish(job._id, this.env.INSTANCE_ID, 'failed');
    } catch (reportError) {
      // The lease expires and another attempt will report it; the job cannot be left unreported for good.
      this.logger.error({
        message: 'could not report failure',
        jobId: job._id,
        accountId: job.accountId,
        error: errorMessage(reportError),
      });
    }
  }
}

import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  backoffMs,
  ContractProducer,
  errorMessage,
  exhausted,
  NonRetriableError,
  PRODUCER,
  reportJobFailure,
  RetriableError,
  sleep,
} from '@cae/kafka';
import { JobEndedError, JobEndings, watchJobEnd } from '@cae/mongo';
import { serviceMetrics } from '@cae/service-kit';
import { DeliveryEnv } from '../config/delivery-env';
import { DeliveryQueueRepository, QueuedWork } from './delivery-queue.repository';
import { DeliveryService, ReportNotSentError } from './delivery.service';
import type { JobError } from '@cae/contracts';

/** How long a completion check that found chunks undelivered waits before it looks again (deliveries wake it sooner). */
const COMPLETION_RECHECK_MS = 60_000;
/** How often an upload under way asks whether its job ended (cancelled, or failed elsewhere): it stops that soon. */
const UPLOAD_END_CHECK_MS = 1_000;
/**
 * How often the jobs with work queued and none of it running are looked at: one that ended (cancelled, failed
 * elsewhere) is abandoned then, its staged files removed, instead of when its next entry comes due (a retry or the
 * completion check may be a minute away).
 */
const ENDED_JOBS_CHECK_MS = 2_000;

/**
 * Runs queued delivery work off the Kafka consumer path, so a slow or dead destination holds a worker of its own
 * account, never a partition: up to DELIVERY_CONCURRENCY uploads at once per replica, at most
 * DELIVERY_ACCOUNT_CONCURRENCY of them for one account, within DELIVERY_MEMORY_BUDGET_MIB of upload buffers.
 * A failed attempt is given back with its retry time; the other accounts' work goes on meanwhile. Each entry is
 * claimed for DELIVERY_CLAIM_MS and the claim renewed while it runs: a replica that dies or pauses loses it and
 * another replica takes it over.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly running = new Map<string, { work: QueuedWork; done: Promise<void> }>();
  private stopped = false;
  private wake: () => void = () => undefined;
  /** Set by a nudge that came while the loop was not waiting, so the loop looks again instead of sleeping. */
  private nudged = false;
  private loop?: Promise<void>;
  private endedJobsCheckedAt = 0;

  constructor(
    private readonly queue: DeliveryQueueRepository,
    private readonly delivery: DeliveryService,
    private readonly jobs: JobEndings,
    private readonly env: DeliveryEnv,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.schedule();
  }

  /**
   * Takes no new work, waits up to DELIVERY_STOP_GRACE_MS for the uploads under way, and gives back the rest
   * (due at once) so another replica goes on without waiting for the claims to lapse. Runs before any module's
   * shutdown, while the database and the producer are still open.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    const unfinished = [...this.running.values()];
    const grace = sleep(this.env.DELIVERY_STOP_GRACE_MS).then(() => 'late' as const);
    if ((await Promise.race([Promise.allSettled(unfinished.map((r) => r.done)), grace])) === 'late') {
      for (const { work } of this.running.values()) {
        await this.queue.handBack(work).catch(() => undefined);
        this.logger.warn({ message: 'stopping: delivery handed back', ...logFields(work) });
      }
    }
  }

  /** New work was queued here: look for it now rather than at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake();
  }

  private async schedule(): Promise<void> {
    while (!this.stopped) {
      this.nudged = false;
      try {
        while (!this.stopped && this.running.size < this.env.DELIVERY_CONCURRENCY) {
          const work = await this.claimNext();
          if (!work) break;
          if (!this.fitsMemory(work)) {
            // The oldest due upload needs more buffer memory than is free: give it back and take nothing else until
            // an upload here ends, so it is not passed over for ever by smaller ones (another replica may take it).
            await this.queue.handBack(work);
            break;
          }
          const done = this.process(work).finally(() => {
            this.running.delete(work._id);
            this.nudge();
          });
          this.running.set(work._id, { work, done });
        }
      } catch (error) {
        this.logger.warn({ message: 'could not claim delivery work', error: errorMessage(error) });
      }
      await this.abandonEndedJobs();
      if (this.stopped) break;
      if (this.nudged) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.env.DELIVERY_POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Now and then: the jobs with queued work, none of it running, that ended are abandoned (see ENDED_JOBS_CHECK_MS). */
  private async abandonEndedJobs(): Promise<void> {
    const now = Date.now();
    if (now - this.endedJobsCheckedAt < ENDED_JOBS_CHECK_MS) return;
    this.endedJobsCheckedAt = now;
    try {
      for (const { jobId, accountId } of await this.queue.jobsAtRest(new Date(now))) {
        if (!(await this.jobs.hasEnded(jobId))) continue;
        this.logger.warn({ message: 'job ended; its queued delivery work dropped', jobId, accountId });
        await this.delivery.abandonJob(jobId);
      }
    } catch (error) {
      this.logger.warn({ message: 'could not look for ended jobs', error: errorMessage(error) });
    }
  }

  private claimNext(): Promise<QueuedWork | null> {
    const running = [...this.running.values()].map((r) => r.work);
    const perAccount = new Map<string, number>();
    for (const work of running) perAccount.set(work.accountId, (perAccount.get(work.accountId) ?? 0) + 1);
    const full = [...perAccount]
      .filter(([, count]) => count >= this.env.DELIVERY_ACCOUNT_CONCURRENCY)
      .map(([account]) => account);
    return this.queue.claimNext(
      this.env.DELIVERY_CLAIM_MS,
      running.map((w) => w._id),
      full,
    );
  }

  /** Whether the upload's buffers fit the budget beside those running here (one larger than it runs alone). */
  private fitsMemory(work: QueuedWork): boolean {
    if (this.running.size === 0) return true;
    const used = [...this.running.values()].reduce((sum, r) => sum + r.work.memoryBytes, 0);
    return used + work.memoryBytes <= this.env.DELIVERY_MEMORY_BUDGET_MIB * 1024 * 1024;
  }

  private async process(work: QueuedWork): Promise<void> {
    // Claimed more often than its attempts ended: an earlier claim was interrupted (crash, freeze, hand-back).
    if (work.kind === 'chunk' && (work.claims ?? 0) > work.attempts + 1)
      serviceMetrics.leaseTakeovers.inc({ work: 'delivery' });
    let owned = true;
    const keeper = setInterval(
      () => {
        this.queue.renew(work, this.env.DELIVERY_CLAIM_MS).then(
          (kept) => {
            if (!kept && owned)
              this.logger.warn({
                message: 'delivery claim lost to another replica',
                ...logFields(work),
              });
            owned &&= kept;
          },
          () => undefined, // the database is away: the claim may still hold; the next renewal will tell
        );
      },
      Math.max(100, Math.floor(this.env.DELIVERY_CLAIM_MS / 3)),
    );
    // Checked right before a report: renews the claim now, so a replica thawed after losing it does not report.
    const stillOwned = async () => {
      owned &&= await this.queue.renew(work, this.env.DELIVERY_CLAIM_MS).catch(() => owned);
      return owned;
    };
    // An upload stops soon after its job ended (cancelled, failed elsewhere), not when it is through.
    const ending = work.kind === 'chunk' ? watchJobEnd(this.jobs, work.jobId, UPLOAD_END_CHECK_MS) : undefined;
    try {
      await this.step(work, stillOwned, ending?.signal);
    } catch (error) {
      if (error instanceof JobEndedError || ending?.signal.aborted) {
        this.logger.warn({ message: 'job ended; delivery stopped', ...logFields(work), reason: errorMessage(error) });
        await this.delivery.abandonJob(work.jobId).catch((e) =>
          this.logger.warn({
            message: 'could not abandon the ended job',
            ...logFields(work),
            error: errorMessage(e),
          }),
        );
      } else if (owned)
        await this.afterFailure(work, error).catch((e) =>
          this.logger.warn({ message: 'could not reschedule delivery', ...logFields(work), error: errorMessage(e) }),
        );
    } finally {
      clearInterval(keeper);
      ending?.stop();
    }
  }

  private async step(work: QueuedWork, stillOwned: () => Promise<boolean>, jobEnded?: AbortSignal): Promise<void> {
    if (work.failure) return this.failJob(work, work.failure);
    if (await this.jobs.hasEnded(work.jobId)) return this.delivery.abandonJob(work.jobId);
    if (work.kind === 'complete') {
      if (work.lastSeen && (await this.delivery.completeIfDelivered(work.jobId))) return this.queue.remove(work);
      return this.queue.releaseCompletion(work, new Date(Date.now() + COMPLETION_RECHECK_MS));
    }
    if ((work.claims ?? 0) > 2 * this.env.DELIVERY_MAX_ATTEMPTS) {
      // Taken again and again without an attempt ever ending (its upload kills the process, or each replica that
      // takes it freezes): fail rather than retry for ever.
      throw new NonRetriableError(
        'RETRIES_EXHAUSTED',
        `delivering file ${work.chunkIndex + 1} was interrupted ${work.claims} times; please run the export again`,
      );
    }
    await this.delivery.deliverChunk(work, stillOwned, jobEnded);
    if (!(await stillOwned())) return;
    await this.queue.remove(work);
    await this.queue.wakeCompletion(work.jobId);
  }

  /**
   * A retriable failure is retried later, off this worker; a final one (or the last attempt) fails the job. A report
   * the broker did not take, and any failure of a completion check, are retried without limit and without using up
   * the destination's attempts: the files are delivered, only the broker or the database is away.
   */
  private async afterFailure(work: QueuedWork, error: unknown): Promise<void> {
    if ((error instanceof ReportNotSentError || work.kind === 'complete') && !work.failure) {
      const retryIn = backoffMs(
        Math.min(work.attempts, 6),
        this.env.DELIVERY_RETRY_BASE_MS,
        this.env.DELIVERY_RETRY_CAP_MS,
      );
      this.logger.warn({
        message: 'report or completion check failed; retrying later',
        ...logFields(work),
        error: errorMessage(error),
      });
      return this.queue.release(work, new Date(Date.now() + retryIn));
    }
    const attempts = work.attempts + 1;
    const lastError = error instanceof RetriableError ? { code: error.code, message: error.message } : work.lastError;
    serviceMetrics.deliveryFailures.inc({ code: failureCode(error) });
    if (!(error instanceof NonRetriableError) && attempts < this.env.DELIVERY_MAX_ATTEMPTS && !work.failure) {
      const retryIn = backoffMs(work.attempts, this.env.DELIVERY_RETRY_BASE_MS, this.env.DELIVERY_RETRY_CAP_MS);
      this.logger.warn({
        message: 'delivery failed; retrying later',
        ...logFields(work),
        attempts,
        retryInMs: retryIn,
        error: errorMessage(error),
      });
      serviceMetrics.retries.inc({ stage: 'delivery' });
      return this.queue.release(work, new Date(Date.now() + retryIn), { attempts, lastError });
    }
    const final = work.failure ?? finalError(error, lastError, attempts);
    if (!work.failure) {
      try {
        return await this.failJob(work, final);
      } catch {
        // reported below: the entry stays queued with the failure, and only the report is retried
      }
    }
    await this.queue.release(
      work,
      new Date(Date.now() + backoffMs(attempts, this.env.DELIVERY_RETRY_BASE_MS, this.env.DELIVERY_RETRY_CAP_MS)),
      { failure: final },
    );
  }

  private async failJob(work: QueuedWork, failure: JobError): Promise<void> {
    await reportJobFailure(
      this.producer,
      { service: 'delivery', jobId: work.jobId, accountId: work.accountId, ...failure },
      (error) =>
        this.logger.error({ message: 'could not report failure', ...logFields(work), error: errorMessage(error) }),
    );
    this.logger.warn({
      message: 'job failed in delivery',
      ...logFields(work),
      code: failure.code,
    });
    await this.delivery.abandonJob(work.jobId);
  }
}

/** The fields of a queued work's log lines: its job, its account, and the chunk when it is a chunk's upload. */
function logFields(work: QueuedWork): { jobId: string; accountId: string; chunk?: number } {
  return work.kind === 'chunk'
    ? { jobId: work.jobId, accountId: work.accountId, chunk: work.chunkIndex }
    : { jobId: work.jobId, accountId: work.accountId };
}

/** The error code a failed attempt is counted under (metrics). */
function failureCode(error: unknown): string {
  return error instanceof RetriableError || error instanceof NonRetriableError ? error.code : 'INTERNAL';
}

/** The job's error once delivery gives up: the destination's own reason when one is known. */
function finalError(error: unknown, lastSpecific: JobError | undefined, attempts: number): JobError {
  if (error instanceof NonRetriableError) return { code: error.code, message: error.message.slice(0, 1000) };
  const specific = lastSpecific ? new RetriableError(lastSpecific.code, lastSpecific.message) : undefined;
  const given = exhausted(error, specific, attempts);
  return { code: given.code, message: given.message.slice(0, 1000) };
}

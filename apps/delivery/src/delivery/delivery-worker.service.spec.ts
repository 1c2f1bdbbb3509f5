import { ContractProducer, RetriableError } from '@cae/kafka';
import { JobEndings } from '@cae/mongo';
import { DeliveryEnv } from '../config/delivery-env';
import { DeliveryQueueRepository, QueuedWork } from './delivery-queue.repository';
import { DeliveryWorker } from './delivery-worker.service';
import { DeliveryService, ReportNotSentError } from './delivery.service';

/**
 * The worker's scheduling, against an in-memory queue with the repository's claim rules (due, not busy here, the
 * account under its share, within the memory budget). The database-backed queue itself is exercised end to end
 * (test/e2e/dead-destination-isolation, ended-jobs, and the fault campaign).
 */
class MemoryQueue {
  readonly entries = new Map<string, QueuedWork>();
  private claims = 0;

  add(jobId: string, accountId: string, chunkIndex: number): void {
    const _id = `${jobId}:${chunkIndex}`;
    this.entries.set(_id, {
      _id,
      kind: 'chunk',
      jobId,
      accountId,
      chunkIndex,
      memoryBytes: 1,
      attempts: 0,
      dueAt: new Date(0),
    });
  }

  async claimNext(claimMs: number, busyIds: string[], fullAccounts: string[]): Promise<QueuedWork | null> {
    const now = Date.now();
    const due = [...this.entries.values()]
      .filter((e) => e.dueAt.getTime() <= now && !busyIds.includes(e._id) && !fullAccounts.includes(e.accountId))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.chunkIndex - b.chunkIndex)[0];
    if (!due) return null;
    Object.assign(due, { dueAt: new Date(now + claimMs), claim: `c${++this.claims}` });
    return { ...due };
  }

  async renew(work: QueuedWork): Promise<boolean> {
    return this.entries.get(work._id)?.claim === work.claim;
  }

  async release(work: QueuedWork, dueAt: Date, update: Partial<QueuedWork> = {}): Promise<void> {
    const entry = this.entries.get(work._id);
    if (entry && entry.claim === work.claim) Object.assign(entry, update, { dueAt, claim: undefined });
  }

  async handBack(work: QueuedWork): Promise<void> {
    await this.release(work, new Date());
  }

  async remove(work: QueuedWork): Promise<void> {
    if (this.entries.get(work._id)?.claim === work.claim) this.entries.delete(work._id);
  }

  async removeJob(jobId: string): Promise<void> {
    for (const [id, entry] of this.entries) if (entry.jobId === jobId) this.entries.delete(id);
  }

  async jobsAtRest(now = new Date()): Promise<{ jobId: string; accountId: string }[]> {
    const entries = [...this.entries.values()];
    const busy = new Set(entries.filter((e) => e.claim && e.dueAt > now).map((e) => e.jobId));
    const jobs = new Map(entries.map((e) => [e.jobId, e.accountId]));
    return [...jobs].filter(([jobId]) => !busy.has(jobId)).map(([jobId, accountId]) => ({ jobId, accountId }));
  }

  // Completion entries are not part of these cases.
  wakeCompletion = async (): Promise<void> => undefined;
  releaseCompletion = async (): Promise<void> => undefined;
}

function setup(
  deliver: (work: QueuedWork, stillOwned: () => Promise<boolean>, jobEnded?: AbortSignal) => Promise<void>,
  over: Partial<DeliveryEnv> = {},
) {
  const queue = new MemoryQueue();
  const delivery = {
    deliverChunk: jest.fn(deliver),
    abandonJob: jest.fn(async (jobId: string) => queue.removeJob(jobId)),
    completeIfDelivered: jest.fn(async () => true),
  };
  const producer = { publish: jest.fn(async () => undefined) };
  const env = Object.assign(new DeliveryEnv(), {
    DELIVERY_CONCURRENCY: 4,
    DELIVERY_ACCOUNT_CONCURRENCY: 2,
    DELIVERY_MEMORY_BUDGET_MIB: 96,
    DELIVERY_CLAIM_MS: 60_000,
    DELIVERY_POLL_MS: 20,
    DELIVERY_STOP_GRACE_MS: 0,
    DELIVERY_MAX_ATTEMPTS: 3,
    DELIVERY_RETRY_BASE_MS: 10,
    DELIVERY_RETRY_CAP_MS: 20,
    ...over,
  });
  const ended = new Set<string>();
  const jobs = { hasEnded: jest.fn(async (jobId: string) => ended.has(jobId)) };
  const sut = new DeliveryWorker(
    queue as unknown as DeliveryQueueRepository,
    delivery as unknown as DeliveryService,
    jobs as unknown as JobEndings,
    env,
    producer as unknown as ContractProducer,
  );
  return { sut, queue, delivery, producer, ended };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 3_000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

describe(DeliveryWorker.name, () => {
  it("keeps delivering other accounts' files while one account's uploads hang", async () => {
    const hanging: QueuedWork[] = [];
    const answer: (() => void)[] = [];
    const delivered: string[] = [];
    const { sut, queue } = setup(async (work) => {
      if (work.accountId === 'dead') {
        hanging.push(work);
        return new Promise<void>((resolve) => answer.push(resolve)); // a server that accepts and does not answer
      }
      delivered.push(work._id);
    });
    for (let i = 0; i < 6; i++) queue.add(`dead-job-${i}`, 'dead', 0);
    sut.onApplicationBootstrap();
    await until(() => hanging.length === 2); // its share of the workers, no more
    for (let i = 0; i < 3; i++) queue.add('healthy-job', 'healthy', i);
    sut.nudge();
    await until(() => delivered.length === 3);
    expect(hanging).toHaveLength(2);
    expect(delivered).toEqual(['healthy-job:0', 'healthy-job:1', 'healthy-job:2']);
    const stopped = sut.beforeApplicationShutdown();
    answer.forEach((resolve) => resolve());
    await stopped;
  });

  it("gives a failed attempt back with its retry time, then fails the job with the destination's reason after the last one", async () => {
    const { sut, queue, delivery, producer } = setup(async () => {
      throw new RetriableError('HOST_UNREACHABLE', 'could not reach sftp://127.0.0.1:1');
    });
    const jobId = '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e';
    queue.add(jobId, 'acct', 0);
    queue.add(jobId, 'acct', 1);
    sut.onApplicationBootstrap();
    await until(() => producer.publish.mock.calls.length > 0);
    await sut.beforeApplicationShutdown();
    expect(producer.publish).toHaveBeenCalledWith(
      'contactactivityexport.job-status.v1',
      jobId,
      expect.objectContaining({
        type: 'job.failed',
        error: expect.objectContaining({
          code: 'HOST_UNREACHABLE',
          message: expect.stringMatching(/gave up after 3 attempts/),
        }),
      }),
    );
    expect(delivery.abandonJob).toHaveBeenCalledWith(jobId);
    expect(queue.entries.size).toBe(0);
    // Three attempts of the first chunk at most; no attempt keeps a worker while it waits for its retry.
    expect(delivery.deliverChunk.mock.calls.filter(([w]) => w.chunkIndex === 0).length).toBeLessThanOrEqual(3);
  });

  it("retries a report the broker did not take without using up the destination's attempts", async () => {
    let calls = 0;
    const { sut, queue, producer } = setup(async () => {
      if (++calls <= 5) throw new ReportNotSentError('file.delivered not sent: broker away');
    });
    queue.add('0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e', 'acct', 0);
    sut.onApplicationBootstrap();
    await until(() => queue.entries.size === 0);
    await sut.beforeApplicationShutdown();
    expect(calls).toBe(6);
    expect(producer.publish).not.toHaveBeenCalled();
  });

  it('stops an upload under way soon after its job is cancelled, and neither fails nor retries it', async () => {
    const jobId = '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e';
    let started = false;
    const { sut, queue, delivery, producer, ended } = setup(
      (_work, _owned, jobEnded) =>
        new Promise<void>((_resolve, reject) => {
          started = true;
          // A destination whose source stream errors: it abandons the upload (no partial file) and rejects.
          jobEnded?.addEventListener('abort', () => reject(new RetriableError('TRANSFER_FAILED', 'stream destroyed')));
        }),
    );
    queue.add(jobId, 'acct', 0);
    sut.onApplicationBootstrap();
    await until(() => started);
    ended.add(jobId); // the cancel request was applied
    await until(() => delivery.abandonJob.mock.calls.length > 0);
    await sut.beforeApplicationShutdown();
    expect(delivery.abandonJob).toHaveBeenCalledWith(jobId);
    expect(queue.entries.size).toBe(0);
    expect(producer.publish).not.toHaveBeenCalled(); // no job.failed
    expect(delivery.deliverChunk).toHaveBeenCalledTimes(1); // no retry
  });

  it('abandons an ended job whose queued work waits (a retry later), without waiting for it to come due', async () => {
    const { sut, queue, delivery, ended } = setup(async () => undefined);
    queue.add('ended-job', 'acct', 0);
    queue.add('running-job', 'acct', 0);
    queue.entries.get('ended-job:0')!.dueAt = new Date(Date.now() + 60_000);
    queue.entries.get('running-job:0')!.dueAt = new Date(Date.now() + 60_000);
    ended.add('ended-job');
    sut.onApplicationBootstrap();
    await until(() => delivery.abandonJob.mock.calls.length > 0);
    await sut.beforeApplicationShutdown();
    expect(delivery.abandonJob.mock.calls).toEqual([['ended-job']]);
    expect([...queue.entries.keys()]).toEqual(['running-job:0']);
    expect(delivery.deliverChunk).not.toHaveBeenCalled();
  });
});

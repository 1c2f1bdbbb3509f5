import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, MONGO_DB } from '@cae/mongo';
import type { JobError } from '@cae/contracts';

/**
 * Delivery work waiting to be done: a chunk to deliver, or a job to complete once all its chunks are delivered.
 * Only pending work lives here (done work is removed), so the scans of the embedded database stay small.
 * `dueAt` is both the retry time and the claim: a replica takes an entry by moving its `dueAt` past the claim
 * duration, and keeps it by renewing that while it works; an entry whose claim lapsed (its replica died or
 * paused) is due again and another replica takes it.
 */
export interface QueuedWork {
  _id: string; // `${jobId}:${chunkIndex}` for a chunk, `${jobId}:complete` for the completion check
  kind: 'chunk' | 'complete';
  jobId: string;
  accountId: string;
  chunkIndex: number;
  /** Memory its upload may hold (S3 multipart parts): workers take no more than their budget at once. */
  memoryBytes: number;
  /** Failed attempts so far (retriable failures only), and the last one with a message for the user. */
  attempts: number;
  /**
   * Times the entry was claimed. An upload that kills its process (or a replica frozen each time) never counts an
   * attempt; past twice the attempt budget of claims the job fails instead of being retried for ever.
   */
  claims?: number;
  /** Completion entries: the last chunk was staged, so the chunk count is known and deliveries wake the check. */
  lastSeen?: boolean;
  lastError?: JobError;
  dueAt: Date;
  /** The current claim's token; a worker that finds another token there has lost the entry. */
  claim?: string;
  /** Completion checks: bumped by every delivery of the job, so a check that raced with one is run again. */
  wakes?: number;
  /** Set once the job must fail: only the report is left to do (it is retried until sent). */
  failure?: JobError;
}

export const completionId = (jobId: string) => `${jobId}:complete`;

@Injectable()
export class DeliveryQueueRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get queue() {
    return this.db.collection<QueuedWork>(Collections.deliveryQueue);
  }

  /** Queues work once: a replayed chunk event leaves a queued entry (its attempts, its claim) as it is. */
  async enqueue(
    entries: Pick<QueuedWork, 'kind' | 'jobId' | 'accountId' | 'chunkIndex' | 'memoryBytes'>[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const dueAt = new Date();
    await this.queue.bulkWrite(
      entries.map((entry) => {
        const _id = entry.kind === 'complete' ? completionId(entry.jobId) : `${entry.jobId}:${entry.chunkIndex}`;
        return {
          updateOne: { filter: { _id }, update: { $setOnInsert: { ...entry, attempts: 0, dueAt } }, upsert: true },
        };
      }),
      { ordered: false },
    );
  }

  /**
   * The job's last chunk was staged: its completion entry (queued with the first chunk, to watch the job) now knows
   * the chunk count, and every delivery wakes it.
   */
  async markLastSeen(jobId: string): Promise<void> {
    await this.queue.updateOne({ _id: completionId(jobId) }, { $set: { lastSeen: true } });
    await this.wakeCompletion(jobId);
  }

  /**
   * Takes the next due entry for `claimMs`, skipping those this replica already works on and the accounts that
   * already use their share of its workers (so one account's slow or dead destination cannot occupy them all).
   */
  async claimNext(claimMs: number, busyIds: string[], fullAccounts: string[]): Promise<QueuedWork | null> {
    const now = new Date();
    return this.queue.findOneAndUpdate(
      { dueAt: { $lte: now }, _id: { $nin: busyIds }, accountId: { $nin: fullAccounts } },
      { $set: { dueAt: new Date(now.getTime() + claimMs), claim: randomUUID() }, $inc: { claims: 1 } },
      { sort: { dueAt: 1, chunkIndex: 1 }, returnDocument: 'after' },
    );
  }

  /** Extends a claim; false when it was lost (another replica took the entry, or it was removed). */
  async renew(work: QueuedWork, claimMs: number): Promise<boolean> {
    const result = await this.queue.updateOne(
      { _id: work._id, claim: work.claim },
      { $set: { dueAt: new Date(Date.now() + claimMs) } },
    );
    return result.matchedCount === 1;
  }

  /** Gives the entry back, due at `dueAt` (a retry later, or now when this replica stops or has no room for it). */
  async release(
    work: QueuedWork,
    dueAt: Date,
    update: Partial<Pick<QueuedWork, 'attempts' | 'lastError' | 'failure' | 'claims'>> = {},
  ): Promise<void> {
    await this.queue.updateOne(
      { _id: work._id, claim: work.claim },
      { $set: { ...update, dueAt }, $unset: { claim: '' } },
    );
  }

  /**
   * Makes a job's completion check due now (after one of its chunks was delivered), once its last chunk is known;
   * before that the check only watches, every minute, whether the job ended elsewhere.
   */
  async wakeCompletion(jobId: string): Promise<void> {
    await this.queue.updateOne({ _id: completionId(jobId), lastSeen: true }, { $inc: { wakes: 1 } });
    await this.queue.updateOne(
      { _id: completionId(jobId), lastSeen: true, claim: { $exists: false } },
      { $set: { dueAt: new Date() } },
    );
  }

  /**
   * Puts a completion check that found chunks still undelivered back, due at `dueAt`; due now instead when a
   * delivery woke it while it ran (that delivery may have been the last one).
   */
  /** Gives back an entry that was claimed but not worked on (no room here, or stopping): the claim does not count. */
  async handBack(work: QueuedWork): Promise<void> {
    await this.release(work, new Date(), { claims: Math.max(0, (work.claims ?? 1) - 1) });
  }

  async releaseCompletion(work: QueuedWork, dueAt: Date): Promise<void> {
    const result = await this.queue.updateOne(
      { _id: work._id, claim: work.claim, wakes: work.wakes ?? { $exists: false } },
      { $set: { dueAt }, $unset: { claim: '' } },
    );
    if (result.matchedCount === 0) await this.release(work, new Date());
  }

  async remove(work: QueuedWork): Promise<void> {
    await this.queue.deleteOne({ _id: work._id, claim: work.claim });
  }

  /** Drops every pending entry of a job that ended. */
  async removeJob(jobId: string): Promise<void> {
    await this.queue.deleteMany({ jobId });
  }

  /**
   * The jobs with work queued here of which no entry is claimed right now (no upload or check of theirs runs on any
   * replica): a job among them that ended can be abandoned without pulling an entry from under a running worker.
   */
  async jobsAtRest(now = new Date()): Promise<Pick<QueuedWork, 'jobId' | 'accountId'>[]> {
    const busy = new Set<string>();
    const all = new Map<string, string>();
    for await (const entry of this.queue.find({}, { projection: { jobId: 1, accountId: 1, claim: 1, dueAt: 1 } })) {
      all.set(entry.jobId, entry.accountId);
      if (entry.claim && entry.dueAt > now) busy.add(entry.jobId);
    }
    return [...all].filter(([jobId]) => !busy.has(jobId)).map(([jobId, accountId]) => ({ jobId, accountId }));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { ObjectId } from 'mongodb';
import { ExportRequestedValue } from '@cae/contracts';
import { Collections, Db, isDuplicateKey, MONGO_DB } from '@cae/mongo';

/**
 * How far the query of one job got: the next record and batch sequence numbers and the last exported record's
 * (time, _id). Saved after every batch the broker acknowledged, so a restart resumes without gaps; a batch sent
 * again after a crash has the same sequence numbers and contents, and the writer drops it.
 */
export interface QueryCheckpoint {
  _id: string;
  accountId: string;
  request: ExportRequestedValue;
  /** `stopped`: the job ended elsewhere (failed in another service, or cancelled) while it was queued or read. */
  state: 'queued' | 'running' | 'done' | 'failed' | 'stopped';
  /** Set by the survey before the first record is sent; with the keys, it fixes the export's columns. */
  totalItems?: number;
  systemPropertyKeys?: string[];
  nextSeq: number;
  nextBatchSeq: number;
  lastTime?: Date;
  lastId?: ObjectId;
  leaseOwner?: string;
  leaseUntil?: Date;
  createdAt: Date;
  /** Fencing epoch: raised by every claim and carried by every batch, so the writer drops a deposed owner's batches. */
  epoch?: number;
  /** When progress was last saved: the jobs service's reconciler fails a job nothing worked on for long (STALLED). */
  progressAt?: Date;
  /** When a replica last renewed its lease while working (a long count or audience scan saves no progress). */
  workAt?: Date;
}

export type Progress = Pick<QueryCheckpoint, 'nextSeq' | 'nextBatchSeq' | 'lastTime' | 'lastId'>;

@Injectable()
export class CheckpointRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get checkpoints() {
    return this.db.collection<QueryCheckpoint>(Collections.queryCheckpoints);
  }

  /** Queues a job once; a redelivered request finds it there and changes nothing. */
  async enqueue(request: ExportRequestedValue): Promise<void> {
    try {
      await this.checkpoints.insertOne({
        _id: request.jobId,
        accountId: request.accountId,
        request,
        state: 'queued',
        nextSeq: 0,
        nextBatchSeq: 0,
        createdAt: new Date(),
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * Takes the oldest unfinished job whose lease is free (or already ours), for `leaseMs`, preferring accounts
   * that have nothing running here: one account queueing hundreds of exports must not starve the others.
   */
  async claimNext(owner: string, leaseMs: number, running: QueryCheckpoint[]): Promise<QueryCheckpoint | null> {
    const exclude = { $nin: running.map((job) => job._id) };
    const busyAccounts = [...new Set(running.map((job) => job.accountId))];
    if (busyAccounts.length > 0) {
      const fair = await this.claim(owner, leaseMs, exclude, { accountId: { $nin: busyAccounts } });
      if (fair) return fair;
    }
    return this.claim(owner, leaseMs, exclude);
  }

  /** Takes (or keeps) one given job, with its latest progress. */
  claimJob(owner: string, leaseMs: number, jobId: string): Promise<QueryCheckpoint | null> {
    return this.claim(owner, leaseMs, jobId);
  }

  private claim(
    owner: string,
    leaseMs: number,
    id: string | { $nin: string[] },
    extra: Record<string, unknown> = {},
  ): Promise<QueryCheckpoint | null> {
    const now = new Date();
    return this.checkpoints.findOneAndUpdate(
      {
        ...extra,
        _id: id,
        state: { $in: ['queued', 'running'] },
        $or: [{ leaseOwner: owner }, { leaseUntil: { $exists: false } }, { leaseUntil: { $lt: now } }],
      },
      {
        $set: { state: 'running', leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) },
        $inc: { epoch: 1 },
      },
      { sort: { createdAt: 1 }, returnDocument: 'after' },
    );
  }

  /** Saves progress and renews the lease. False when the lease was lost: the caller must stop. */
  async saveProgress(
    jobId: string,
    owner: string,
    leaseMs: number,
    progress: Partial<QueryCheckpoint>,
  ): Promise<boolean> {
    const result = await this.checkpoints.updateOne(
      { _id: jobId, leaseOwner: owner },
      { $set: { ...progress, progressAt: new Date(), leaseUntil: new Date(Date.now() + leaseMs) } },
    );
    return result.matchedCount === 1;
  }

  /** Extends this owner's lease without touching progress. False when another replica holds it now. */
  async renewLease(jobId: string, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.checkpoints.updateOne(
      { _id: jobId, leaseOwner: owner, state: 'running' },
      { $set: { leaseUntil: new Date(Date.now() + leaseMs), workAt: new Date() } },
    );
    return result.matchedCount === 1;
  }

  /** Hands the lease back (the service is stopping): another replica may take the job at once. */
  async release(jobId: string, owner: string): Promise<void> {
    await this.checkpoints.updateOne(
      { _id: jobId, leaseOwner: owner, state: 'running' },
      { $set: { leaseUntil: new Date(0) } },
    );
  }

  async finish(jobId: string, owner: string, state: 'done' | 'failed' | 'stopped'): Promise<void> {
    await this.checkpoints.updateOne(
      { _id: jobId, leaseOwner: owner },
      { $set: { state }, $unset: { leaseUntil: '' } },
    );
  }
}

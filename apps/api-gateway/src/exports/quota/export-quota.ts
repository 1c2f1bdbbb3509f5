import { Inject, Injectable } from '@nestjs/common';
import { ACTIVE_JOB_STATUSES, Collections, Db, isDuplicateKey, JobDocument, JobStatus, MONGO_DB } from '@cae/mongo';
import { GatewayEnv } from '../../config/gateway-env';

/**
 * A slot an active export holds: `MAX_ACTIVE_EXPORTS_PER_ACCOUNT` of them per account (`_id`: the JSON pair
 * [accountId, index]). A job is created only by an attempt that holds a slot, and a slot passes to another job only
 * once its own job ended, so an account never has more active exports than slots, whatever the number of replicas.
 */
export interface ExportSlot {
  _id: string;
  accountId: string;
  index: number;
  jobId: string;
  claimedAt: Date;
}

/**
 * A slot whose job does not exist is still held this long: its attempt is between the claim and the job's insert
 * (milliseconds). Past it, the attempt died there and the slot is free.
 */
export const SLOT_GRACE_MS = 60_000;

const ACTIVE: readonly JobStatus[] = ACTIVE_JOB_STATUSES;

export function exportSlotId(accountId: string, index: number): string {
  return JSON.stringify([accountId, index]);
}

/**
 * The per-account quota of active (pending or processing) exports, exact across gateway replicas. Slots are freed
 * lazily: nothing has to release a slot when its job ends (the jobs service knows nothing of them); the next claim
 * sees the job ended and takes the slot over, conditionally on the job it read, so two claims never share one.
 */
@Injectable()
export class ExportQuota {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly env: GatewayEnv,
  ) {}

  get limit(): number {
    return this.env.MAX_ACTIVE_EXPORTS_PER_ACCOUNT;
  }

  private get slots() {
    return this.db.collection<ExportSlot>(Collections.exportSlots);
  }

  private get jobs() {
    return this.db.collection<JobDocument>(Collections.jobs);
  }

  /** A slot for the job about to be created, or null when the account has its maximum of active exports. */
  async admit(accountId: string, jobId: string, now = new Date()): Promise<ExportSlot | null> {
    const { limit } = this;
    // The usual refusal costs one indexed count. It also counts active jobs that hold no slot (created before slots
    // existed, or holding a slot above a lowered limit).
    const active = await this.jobs.countDocuments({ accountId, status: { $in: [...ACTIVE] } }, { limit });
    if (active >= limit) return null;
    const ids = Array.from({ length: limit }, (_, index) => exportSlotId(accountId, index));
    const held = new Map((await this.slots.find({ _id: { $in: ids } }).toArray()).map((slot) => [slot._id, slot]));
    const statuses = await this.statusesOf(accountId, [...new Set([...held.values()].map((slot) => slot.jobId))]);
    for (const [index, id] of ids.entries()) {
      const claim: ExportSlot = { _id: id, accountId, index, jobId, claimedAt: now };
      const current = held.get(id);
      if (!current) {
        if (await this.insert(claim)) return claim;
        continue; // another attempt took it just now
      }
      if (!isFree(current, statuses.get(current.jobId), now)) continue;
      const { matchedCount } = await this.slots.replaceOne({ _id: id, jobId: current.jobId }, claim);
      if (matchedCount === 1) return claim;
    }
    return null;
  }

  /** Gives a slot back when its job was not created. */
  async release(slot: ExportSlot): Promise<void> {
    await this.slots.deleteOne({ _id: slot._id, jobId: slot.jobId });
  }

  private async statusesOf(accountId: string, jobIds: string[]): Promise<Map<string, JobStatus>> {
    if (jobIds.length === 0) return new Map();
    const found = await this.jobs.find({ _id: { $in: jobIds }, accountId }, { projection: { status: 1 } }).toArray();
    return new Map(found.map((job) => [job._id, job.status]));
  }

  private async insert(slot: ExportSlot): Promise<boolean> {
    try {
      await this.slots.insertOne(slot);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}

/** A slot is free once its job ended, or when its job was never created and the grace is over. */
export function isFree(slot: ExportSlot, jobStatus: JobStatus | undefined, now: Date): boolean {
  if (jobStatus !== undefined) return !ACTIVE.includes(jobStatus);
  return slot.claimedAt.getTime() + SLOT_GRACE_MS <= now.getTime();
}

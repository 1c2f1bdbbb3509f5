import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, isDuplicateKey, MONGO_DB } from '@cae/mongo';
import { IdempotencyRecord, idempotencyRecordId } from './idempotency-record';

/**
 * The Idempotency-Key records. Every change is conditional on what the caller read (`claimToken`, `state`), so two
 * attempts racing on one key, on any replicas, never both win: on FerretDB through its write gate, on MongoDB
 * because a single-document write is atomic.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get records() {
    return this.db.collection<IdempotencyRecord>(Collections.idempotencyKeys);
  }

  async find(accountId: string, key: string): Promise<IdempotencyRecord | null> {
    const record = await this.records.findOne({ _id: idempotencyRecordId(accountId, key) });
    return record && record.accountId === accountId && record.key === key ? record : null;
  }

  /** Claims a key no record holds; false when another attempt inserted one first. */
  async insert(record: IdempotencyRecord): Promise<boolean> {
    try {
      await this.records.insertOne(record);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Claims a key over an expired or abandoned record; false when it changed since it was read. */
  async replace(previous: IdempotencyRecord, record: IdempotencyRecord): Promise<boolean> {
    const { matchedCount } = await this.records.replaceOne(
      { _id: previous._id, claimToken: previous.claimToken, state: previous.state },
      record,
    );
    return matchedCount === 1;
  }

  /** The job exists: later retries get it. */
  async complete(claim: IdempotencyRecord, name: string): Promise<void> {
    await this.records.updateOne(
      { _id: claim._id, claimToken: claim.claimToken },
      { $set: { state: 'done', name, jobId: claim.jobId } },
    );
  }

  /** No job was made (refused by the quota, or the creation failed): the key is free again. */
  async release(claim: IdempotencyRecord): Promise<void> {
    await this.records.deleteOne({ _id: claim._id, claimToken: claim.claimToken, state: 'pending' });
  }

  /** Deletes the records past their 24 hours; returns how many. */
  async sweep(now: Date): Promise<number> {
    const { deletedCount } = await this.records.deleteMany({ expiresAt: { $lte: now } });
    return deletedCount;
  }
}

import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, GcsBucketDocument, isDuplicateKey, MONGO_DB } from '@cae/mongo';

/** The account's registered GCS buckets. Every method takes the account: no query can cross tenants. */
@Injectable()
export class GcsBucketRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get buckets() {
    return this.db.collection<GcsBucketDocument>(Collections.gcsBuckets);
  }

  /**
   * Registers the bucket for the account, or returns the existing registration (a retried POST gets the same
   * token). The token is random per account and bucket, so one account's token never verifies another account.
   */
  async register(accountId: string, bucket: string): Promise<{ claim: GcsBucketDocument; created: boolean }> {
    const claim: GcsBucketDocument = {
      _id: `${accountId}/${bucket}`,
      accountId,
      bucket,
      token: `cae-verify-${randomBytes(24).toString('hex')}`,
      createdAt: new Date(),
    };
    try {
      await this.buckets.insertOne(claim);
      return { claim, created: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.buckets.findOne({ _id: claim._id, accountId });
      if (!existing) throw error;
      return { claim: existing, created: false };
    }
  }

  async count(accountId: string): Promise<number> {
    return this.buckets.countDocuments({ accountId });
  }

  async isRegistered(accountId: string, bucket: string): Promise<boolean> {
    return (await this.buckets.countDocuments({ _id: `${accountId}/${bucket}`, accountId })) === 1;
  }

  async list(accountId: string): Promise<GcsBucketDocument[]> {
    return this.buckets.find({ accountId }).sort({ bucket: 1 }).limit(1_000).toArray();
  }

  async remove(accountId: string, bucket: string): Promise<boolean> {
    return (await this.buckets.deleteOne({ _id: `${accountId}/${bucket}`, accountId })).deletedCount === 1;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, GcsBucketDocument, MONGO_DB } from '@cae/mongo';

/** Which account registered which GCS bucket (written by the gateway's `/v2/destinations/gcs-buckets`). */
@Injectable()
export class GcsBucketClaims {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  /** The account's verification token for the bucket, or null when the account never registered it. */
  async tokenOf(accountId: string, bucket: string): Promise<string | null> {
    const claim = await this.db
      .collection<GcsBucketDocument>(Collections.gcsBuckets)
      .findOne({ _id: `${accountId}/${bucket}`, accountId });
    return claim?.token ?? null;
  }
}

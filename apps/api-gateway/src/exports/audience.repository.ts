import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, MONGO_DB } from '@cae/mongo';

/** Saved audiences (written by the rest of the platform); the gateway only checks that a key exists. */
@Injectable()
export class AudienceRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async exists(accountId: string, key: string): Promise<boolean> {
    return (await this.db.collection(Collections.audiences).countDocuments({ accountId, key }, { limit: 1 })) > 0;
  }
}

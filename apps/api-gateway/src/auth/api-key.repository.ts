import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyDocument, Collections, Db, MONGO_DB } from '@cae/mongo';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

@Injectable()
export class ApiKeyRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  /** The account of an active key, or null. Read on every request: a revoked key stops working at once. */
  async accountOf(key: string): Promise<string | null> {
    return this.accountOfHash(hashApiKey(key));
  }

  /** `accountOf` for a key already hashed (the authentication middleware hashes it once for the limiter too). */
  async accountOfHash(keyHash: string): Promise<string | null> {
    const found = await this.db
      .collection<ApiKeyDocument>(Collections.apiKeys)
      .findOne({ keyHash }, { projection: { accountId: 1, revokedAt: 1 } });
    // Revoked means any revokedAt at all (0, "" and false included): a key is active only without one.
    if (!found || (found.revokedAt !== undefined && found.revokedAt !== null)) return null;
    return typeof found.accountId === 'string' && found.accountId !== '' ? found.accountId : null;
  }
}

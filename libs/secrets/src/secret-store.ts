import { Db } from 'mongodb';
import { CredentialCipher } from './credential-cipher';

/** Credentials of one destination: what the request carried that must stay secret. */
export interface DestinationSecrets {
  username?: string;
  password?: string;
  awsAccessKeyId?: string;
  awsSecretAccessKey?: string;
}

interface SealedDocument {
  _id: string; // jobId
  accountId: string;
  sealed: string;
  createdAt: Date;
}

export const SECRETS_COLLECTION = 'destination_secrets';

/**
 * Destination credentials at rest: sealed (AES-256-GCM, bound to the job) in their own collection, referenced by
 * jobId. They never travel on Kafka; the delivery service opens them when it connects, and they are deleted when
 * the job ends.
 */
export class SecretStore {
  constructor(
    private readonly db: Db,
    private readonly cipher: CredentialCipher,
  ) {}

  private get sealed() {
    return this.db.collection<SealedDocument>(SECRETS_COLLECTION);
  }

  async put(jobId: string, accountId: string, secrets: DestinationSecrets): Promise<void> {
    await this.sealed.insertOne({
      _id: jobId,
      accountId,
      sealed: this.cipher.seal(JSON.stringify(secrets), jobId),
      createdAt: new Date(),
    });
  }

  /** The job's credentials, or null when none are kept (no external destination, or the job ended). */
  async get(jobId: string, accountId: string): Promise<DestinationSecrets | null> {
    const found = await this.sealed.findOne({ _id: jobId, accountId });
    return found ? (JSON.parse(this.cipher.open(found.sealed, jobId)) as DestinationSecrets) : null;
  }

  async delete(jobId: string): Promise<void> {
    await this.sealed.deleteOne({ _id: jobId });
  }
}

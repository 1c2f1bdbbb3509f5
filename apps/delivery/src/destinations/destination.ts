import { Readable } from 'node:stream';
import { ChunkStagedValue } from '@cae/contracts';
import { DestinationSecrets } from '@cae/secrets';

/** Where a staged file ended up. */
export interface DeliveryReceipt {
  /** Name of the file at the destination (S3 may rename it after a file name in `path`). */
  name?: string;
  /** Key in internal storage, when the file is kept there. */
  storageKey?: string;
  /** Where an external destination received it, without credentials (`sftp://host:22/upload/a.csv`). */
  location?: string;
}

export interface DeliveryInput {
  chunk: ChunkStagedValue;
  /** The job's opened credentials; null for destinations without any. */
  secrets: DestinationSecrets | null;
  /** Opens the staged file as a stream (called once per attempt, so memory stays bounded whatever the size). */
  open(): Promise<Readable>;
}

/**
 * A place files are delivered to. `deliver` streams the staged file there under its final name, never leaving a
 * partial file visible, and overwrites an earlier copy of the same name (so a re-delivery is harmless).
 * Errors: NonRetriableError for what the user must fix (credentials, bucket, folder, permissions), RetriableError
 * for what may pass (host unreachable, connection reset); both carry a code and a message without secrets.
 */
export interface Destination {
  deliver(input: DeliveryInput): Promise<DeliveryReceipt>;
}

import { ChunkStagedValue } from '@cae/contracts';

/** Where a staged file ended up. `storageKey` is set when it is kept in internal storage. */
export interface DeliveryReceipt {
  storageKey?: string;
}

/**
 * A place files are delivered to. `deliver` streams the staged file there under its final name, never leaving a
 * partial file visible, and overwrites an earlier copy of the same name (so a re-delivery is harmless).
 * Errors: NonRetriableError for what the user must fix (credentials, bucket, path), anything else is retried.
 */
export interface Destination {
  deliver(chunk: ChunkStagedValue): Promise<DeliveryReceipt>;
}

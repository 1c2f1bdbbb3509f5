import { JobErrorCode } from '@cae/contracts';

/**
 * Errors are of two kinds, decided once where they are raised:
 * - retriable (network, broker, database or storage briefly away): the message is retried in place with backoff;
 * - non-retriable (bad payload, bad credentials, a broken invariant): the message goes to the dead-letter topic
 *   and the job fails with the error's code and message.
 */
export class NonRetriableError extends Error {
  constructor(
    readonly code: JobErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NonRetriableError';
  }
}

/**
 * A failure worth retrying (host briefly unreachable, connection reset) that still has a specific code and a
 * message for the user, used when the retries run out.
 */
export class RetriableError extends Error {
  constructor(
    readonly code: JobErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RetriableError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

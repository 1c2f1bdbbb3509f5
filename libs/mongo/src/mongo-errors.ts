import { MongoNetworkError, MongoNotConnectedError, MongoServerError, MongoServerSelectionError } from 'mongodb';

/** True when an insert hit an existing `_id` or unique key: the effect is already there, so it is a success. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * True when the database could not be reached or lost the connection (it is restarting, the network is away):
 * the same operation may succeed later, so such failures are retried without limit rather than counted.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError
  );
}

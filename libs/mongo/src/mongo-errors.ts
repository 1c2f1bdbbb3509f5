import { MongoServerError } from 'mongodb';

/** True when an insert hit an existing `_id` or unique key: the effect is already there, so it is a success. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

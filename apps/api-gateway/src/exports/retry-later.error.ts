import { ApiError } from '../http/api-error';

/** An error answer that tells the client when to try again: the controller copies `retryAfterSeconds` to Retry-After. */
export class RetryLaterError extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(status, code, message);
  }
}

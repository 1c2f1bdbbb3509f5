import { ApiError } from '../../http/api-error';

/**
 * What an Idempotency-Key may be: 1 to 255 of letters, digits and `- _ . : ~` (a UUID, a ULID, hex or base64url
 * all fit). Anything else is refused rather than normalised, so that two spellings never name one key.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:~-]{1,255}$/;

/**
 * The request's Idempotency-Key, or undefined without one. A key that breaks the rule is a 400: silently ignoring
 * it would turn the retry the client counts on into a second job. Node joins a header sent twice with ", ", which
 * the rule refuses too.
 */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (IDEMPOTENCY_KEY_PATTERN.test(header)) return header;
  const reason =
    header.length === 0 || header.length > 255
      ? 'must be 1 to 255 characters long'
      : 'may contain only letters, digits and - _ . : ~ (send it once)';
  throw new ApiError(400, 'VALIDATION_FAILED', 'invalid request: Idempotency-Key', [
    { field: 'Idempotency-Key', reasons: [`the Idempotency-Key header ${reason}`] },
  ]);
}

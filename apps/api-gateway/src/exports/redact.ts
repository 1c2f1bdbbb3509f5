/** Destination fields that are secrets: never stored in clear, never returned, never logged, never on Kafka. */
export const SECRET_FIELDS = ['password', 'aws_secret_access_key', 'aws_access_key_id'] as const;
export const REDACTED = '[REDACTED]';

/** A copy of the request fit to store in the job and return from the API. */
export function redactRequest(body: object): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  const destination = copy.destination as Record<string, unknown> | undefined;
  if (destination) {
    for (const field of SECRET_FIELDS) if (field in destination) destination[field] = REDACTED;
  }
  if (typeof copy.callbackUrl === 'string') copy.callbackUrl = redactedCallbackUrl(copy.callbackUrl);
  return copy;
}

/**
 * A callbackUrl as the job shows it: its origin, and the redaction marker for any path or query. Receivers often
 * take a token there (`/hooks/<token>`, `?token=`), so the URL is kept sealed with the job's callback instead.
 */
export function redactedCallbackUrl(url: string): string {
  try {
    const { origin, pathname, search } = new URL(url);
    return pathname === '/' && search === '' ? `${origin}/` : `${origin}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
}

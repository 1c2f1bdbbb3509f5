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
  return copy;
}

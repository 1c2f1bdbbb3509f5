/**
 * Every code a failed job can carry (`job.failed` events, the job resource's `error.code`), in one place: the
 * services can only raise these (NonRetriableError, RetriableError and reportJobFailure take a JobErrorCode), and
 * the jobs service rejects an event with any other. PUBLIC CONTRACT: add codes, never rename; a new code must
 * reach the jobs service (this list) before a service sends it. The README explains each one to users.
 */
export const JOB_ERROR_CODES = [
  // The request, as read by the query service
  'AUDIENCE_NOT_FOUND',
  'AUDIENCE_RULE_INVALID',
  'TOO_MANY_FILES',
  'QUERY_FAILED',
  // Destinations: what the user must fix
  'AUTH_FAILED',
  'PERMISSION_DENIED',
  'PATH_NOT_FOUND',
  'INVALID_PATH',
  'INVALID_DESTINATION',
  'BUCKET_NOT_FOUND',
  'BUCKET_NOT_VERIFIED',
  'DESTINATION_BUCKET_REFUSED',
  'DESTINATION_HOST_REFUSED',
  'DESTINATION_NOT_CONFIGURED',
  'HOST_KEY_MISMATCH',
  'TLS_REQUIRED',
  'TLS_CERTIFICATE_INVALID',
  'FILE_TOO_LARGE',
  // Destinations: what may pass, once the attempts are used up
  'HOST_UNREACHABLE',
  'TRANSFER_FAILED',
  'RETRIES_EXHAUSTED',
  // The pipeline's own checks
  'LOCAL_DISK_FULL',
  'REPLAY_DIVERGED',
  'RECORD_COUNT_MISMATCH',
  'FILES_INCOMPLETE',
  'STAGED_FILE_MISSING',
  'STAGED_FILE_CORRUPT',
  'CHUNKS_MISSING',
  'MESSAGE_TOO_LARGE',
  // Messages that could not be read or applied
  'INVALID_REQUEST_MESSAGE',
  'INVALID_RECORDS_MESSAGE',
  'INVALID_CHUNK_MESSAGE',
  'INVALID_STATUS_EVENT',
  'STATUS_NOT_APPLIED',
  // Jobs that never ran or stopped moving
  'QUEUE_UNAVAILABLE',
  'NOT_QUEUED',
  'STALLED',
] as const;

export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

export function isJobErrorCode(code: unknown): code is JobErrorCode {
  return (JOB_ERROR_CODES as readonly unknown[]).includes(code);
}

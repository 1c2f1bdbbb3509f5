import { NonRetriableError, RetriableError } from '@cae/kafka';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** True for failures of the network itself (the server may come back). */
export function isNetworkFailure(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  return (
    typeof e?.message === 'string' &&
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|timed? ?out|socket hang up|Timeout/i.test(e.message)
  );
}

export const unreachable = (where: string) =>
  new RetriableError(
    'HOST_UNREACHABLE',
    `could not reach ${where}; check the server name and port, and that it accepts connections`,
  );

export const authFailed = (what: string) =>
  new NonRetriableError('AUTH_FAILED', `${what} refused the credentials; check the user name and password or keys`);

export const folderMissing = (folder: string, where: string) =>
  new NonRetriableError(
    'PATH_NOT_FOUND',
    `the folder ${folder} does not exist on ${where}; create it or fix destination.path`,
  );

export const permissionDenied = (target: string, where: string) =>
  new NonRetriableError(
    'PERMISSION_DENIED',
    `${where} does not allow writing ${target}; check the folder's permissions`,
  );

export const bucketMissing = (bucket: string) =>
  new NonRetriableError('BUCKET_NOT_FOUND', `the bucket ${bucket} does not exist`);

export const badPath = () => new NonRetriableError('INVALID_PATH', 'destination.path must not contain ".."');

/** Anything unrecognised is retried, then reported with this code; the raw error text is never shown. */
export const transferFailed = (where: string) =>
  new RetriableError('TRANSFER_FAILED', `the upload to ${where} failed; it was retried and kept failing`);

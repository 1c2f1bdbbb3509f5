const MIB = 1024 * 1024;
/** S3's limit on the parts of one multipart upload. */
const MAX_PARTS = 10_000;
/** Smallest part used (S3's minimum is 5 MiB); also the size below which one PUT carries the whole file. */
export const MIN_PART_BYTES = 8 * MIB;
/**
 * Largest part used: parts are buffered in memory while they upload, so this bounds the delivery service's memory
 * (and with it the largest file: 10,000 x 64 MiB = 625 GiB; `limitRecordsPerFile` splits larger exports).
 */
export const MAX_PART_BYTES = 64 * MIB;

/**
 * The part size and concurrency of a multipart upload of `bytes`, chosen from the file's size before the upload
 * starts: fixed 8 MiB parts would cap a file at ~78 GiB, found out only after uploading that much. Null when the
 * file is too large for any part size this service allows.
 */
export function multipartPlan(bytes: number): { partSize: number; queueSize: number } | null {
  const partSize = Math.max(MIN_PART_BYTES, Math.ceil(bytes / MAX_PARTS / MIB) * MIB);
  if (partSize > MAX_PART_BYTES) return null;
  // Two parts in flight while they are small; one when each is large, so memory stays within two small parts' worth
  // or one large part.
  return { partSize, queueSize: partSize <= 16 * MIB ? 2 : 1 };
}

import { isIPv4 } from 'node:net';

/**
 * Google Cloud Storage bucket names (https://cloud.google.com/storage/docs/buckets#naming): lower-case letters,
 * digits, `-`, `_` and `.`; start and end with a letter or digit; 3-63 characters, or up to 222 with dots where
 * each dot-separated part has at most 63; not an IPv4 address; not starting with `goog`; not containing `google`
 * or a close misspelling. The name goes into the upload URL, so nothing else may pass.
 * Returns what is wrong, or null.
 */
export function gcsBucketNameProblem(name: string): string | null {
  if (!/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(name)) {
    return 'must be a Google Cloud Storage bucket name: lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  const parts = name.split('.');
  if (name.length < 3 || name.length > (parts.length > 1 ? 222 : 63))
    return 'must have 3-63 characters (up to 222 when it contains dots)';
  if (parts.some((part) => part.length === 0 || part.length > 63))
    return 'must not have an empty dot-separated part or one longer than 63 characters';
  if (isIPv4(name)) return 'must not be an IP address';
  if (name.startsWith('goog')) return 'must not start with "goog" (reserved by Google)';
  if (/g[o0][o0]g[l1][e3]/.test(name)) return 'must not contain "google" or a close misspelling (reserved by Google)';
  return null;
}

const S3_RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const S3_RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * Amazon S3 general purpose bucket names
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): 3-63 characters, lower-case
 * letters, digits, `.` and `-`, starting and ending with a letter or digit, no `..`, not an IPv4 address, none
 * of AWS's reserved prefixes and suffixes. One deliberate exception: `_` is accepted, because the reference's own
 * example names the bucket `my_bucket` (older us-east-1 buckets have such names; the SDK then uses path-style URLs).
 */
export function s3BucketNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63) return 'must have 3-63 characters';
  if (!/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(name)) {
    return 'must be an S3 bucket name: lower-case letters, digits, "-", "." (and "_"), starting and ending with a letter or digit';
  }
  if (name.includes('..')) return 'must not contain two dots in a row';
  if (isIPv4(name)) return 'must not be an IP address';
  const prefix = S3_RESERVED_PREFIXES.find((reserved) => name.startsWith(reserved));
  if (prefix) return `must not start with "${prefix}" (reserved by AWS)`;
  const suffix = S3_RESERVED_SUFFIXES.find((reserved) => name.endsWith(reserved));
  if (suffix) return `must not end with "${suffix}" (reserved by AWS)`;
  return null;
}

/**
 * AWS region codes: `us-west-2`, `eu-central-1`, `ap-southeast-4`, `us-gov-west-1`, `cn-northwest-1`,
 * `us-isob-east-1`. The SDK builds the endpoint host from the region, so a region is never allowed to be
 * anything but this shape (no dots, slashes or other hosts).
 */
export function awsRegionProblem(region: string): string | null {
  return /^[a-z]{2}(-[a-z]{2,12}){1,3}-\d{1,2}$/.test(region) ? null : 'must be an AWS region code such as us-west-2';
}

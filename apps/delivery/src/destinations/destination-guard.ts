import { DeliverySpec } from '@cae/contracts';
import {
  awsRegionProblem,
  BucketDenylist,
  canonicalFingerprint,
  fieldsWithControlCharacters,
  gcsBucketNameProblem,
  remotePathProblem,
  s3BucketNameProblem,
  serverProblem,
} from '@cae/destination-rules';
import { NonRetriableError } from '@cae/kafka';
import { DestinationSecrets } from '@cae/secrets';

const invalid = (message: string) => new NonRetriableError('INVALID_DESTINATION', message);

/**
 * Checks a delivery with the gateway's own rules before any connection is opened. The gateway refused bad
 * requests already, but a message on Kafka is not trusted: a forged or replayed message, or one from an older
 * gateway, must not be able to inject FTP commands (CR/LF in a path, user name or password) or steer a URL
 * (a bucket name with `/` or `?`). Messages name fields, never values (a value may be a secret).
 */
export function checkDestination(
  delivery: DeliverySpec,
  secrets: DestinationSecrets | null,
  deniedBuckets?: BucketDenylist,
): void {
  const { server, path, bucket, region, hostKeyFingerprint } = delivery;
  const controlled = fieldsWithControlCharacters({ server, path, bucket, region, hostKeyFingerprint, ...secrets });
  if (controlled.length > 0) throw invalid(`destination ${controlled.join(', ')} must not contain control characters`);
  if (path !== undefined && remotePathProblem(path))
    throw new NonRetriableError('INVALID_PATH', 'destination.path must not contain ".."');
  if (delivery.kind === 'sftp' || delivery.kind === 'ftp') {
    const problem = serverProblem(server ?? '');
    if (problem) throw invalid(`destination server ${problem}`);
  }
  if (hostKeyFingerprint !== undefined && !canonicalFingerprint(hostKeyFingerprint))
    throw invalid('destination hostKeyFingerprint is not a SHA256 fingerprint');
  if (delivery.kind === 's3' || delivery.kind === 'gcs') {
    const problem = delivery.kind === 's3' ? s3BucketNameProblem(bucket ?? '') : gcsBucketNameProblem(bucket ?? '');
    if (problem) throw invalid(`destination bucket ${problem}`);
    if (deniedBuckets?.denies(bucket!))
      throw new NonRetriableError(
        'DESTINATION_BUCKET_REFUSED',
        'the destination bucket belongs to this platform and may not be used',
      );
  }
  if (delivery.kind === 's3' && region !== undefined) {
    const problem = awsRegionProblem(region);
    if (problem) throw invalid(`destination region ${problem}`);
  }
}

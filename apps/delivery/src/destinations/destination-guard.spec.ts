import { DeliverySpec } from '@cae/contracts';
import { BucketDenylist } from '@cae/destination-rules';
import { checkDestination } from './destination-guard';

describe(checkDestination.name, () => {
  const denied = BucketDenylist.of('', ['cae-files']);
  const sftp: DeliverySpec = { kind: 'sftp', server: 'sftp.example.com', port: 22, path: '/upload' };
  const s3: DeliverySpec = { kind: 's3', bucket: 'customer-bucket', region: 'us-west-2', path: 'folder' };
  const gcs: DeliverySpec = { kind: 'gcs', bucket: 'customer-bucket', path: '/x' };

  it('lets well-formed destinations through', () => {
    for (const delivery of [sftp, { ...sftp, kind: 'ftp' as const }, s3, gcs, { kind: 'internal' as const }]) {
      expect(() => checkDestination(delivery, { username: 'u', password: 'p' }, denied)).not.toThrow();
    }
  });

  it.each<[string, DeliverySpec, object | null, string]>([
    ['CR/LF in an SFTP path', { ...sftp, path: '/upload\r\nrm x' }, null, 'INVALID_DESTINATION'],
    ['a line break in a password', sftp, { username: 'u', password: 'p\n' }, 'INVALID_DESTINATION'],
    ['NUL in an S3 secret', s3, { awsAccessKeyId: 'A', awsSecretAccessKey: 'B\u0000' }, 'INVALID_DESTINATION'],
    ['a host with a port', { ...sftp, server: 'h.example:22' }, null, 'INVALID_DESTINATION'],
    ['a zone id', { ...sftp, server: 'fe80::1%lo' }, null, 'INVALID_DESTINATION'],
    [
      'a GCS bucket with a query',
      { ...gcs, bucket: 'victim/o?predefinedAcl=publicRead&x=' },
      null,
      'INVALID_DESTINATION',
    ],
    ['an S3 bucket with a path', { ...s3, bucket: 'b/../x' }, null, 'INVALID_DESTINATION'],
    ['an S3 region that is a host', { ...s3, region: 'us-west-2.attacker.example' }, null, 'INVALID_DESTINATION'],
    ['a platform bucket', { ...gcs, bucket: 'cae-files' }, null, 'DESTINATION_BUCKET_REFUSED'],
    ['dot segments in a path', { ...s3, path: 'a/../../b' }, null, 'INVALID_PATH'],
    ['a malformed host key fingerprint', { ...sftp, hostKeyFingerprint: 'MD5:00' }, null, 'INVALID_DESTINATION'],
  ])('refuses %s', (_case, delivery, secrets, code) => {
    expect(() => checkDestination(delivery, secrets, denied)).toThrow(expect.objectContaining({ code }));
  });

  it('names the field, never its value', () => {
    try {
      checkDestination(sftp, { username: 'u', password: 'hunter2\r\n' });
      throw new Error('not refused');
    } catch (error) {
      expect((error as Error).message).toContain('password');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

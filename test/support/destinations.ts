import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Storage } from '@google-cloud/storage';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { TEST_STACK_ENV } from './test-stack';

/** Credentials of the customer-side test servers (deploy/local/test-destinations.sh defaults). */
export const SFTP = {
  host: '127.0.0.1',
  port: Number(TEST_STACK_ENV.SFTP_PORT),
  user: 'caesftp',
  password: 'sftp-test-pass',
  root: TEST_STACK_ENV.SFTP_ROOT,
};
export const FTP = {
  host: '127.0.0.1',
  port: Number(TEST_STACK_ENV.FTP_PORT),
  user: 'caeftp',
  password: 'ftp-test-pass',
  root: TEST_STACK_ENV.FTP_ROOT,
};
export const S3_KEYS = { accessKeyId: 'customeraccesskey', secretAccessKey: 'customer-secret-key-123' };

/** Files in a folder of the SFTP/FTP server, read from its disk: what a customer would find there. */
export function serverFiles(root: string, folder: string): Map<string, Buffer> {
  const dir = join(root, folder);
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => [entry.name, readFileSync(join(dir, entry.name))]),
  );
}

/** The customer's S3 (a second versitygw, region us-west-2), not the service's own storage. */
export const s3 = new S3Client({
  endpoint: `http://127.0.0.1:${TEST_STACK_ENV.S3_DEST_PORT}`,
  region: 'us-west-2',
  forcePathStyle: true,
  credentials: S3_KEYS,
});

export async function createS3Bucket(bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

export async function s3Objects(bucket: string): Promise<Map<string, Buffer>> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const out = new Map<string, Buffer>();
  for (const object of listed.Contents ?? []) {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }));
    out.set(object.Key!, Buffer.from(await got.Body!.transformToByteArray()));
  }
  return out;
}

export const gcs = new Storage({ apiEndpoint: `http://127.0.0.1:${TEST_STACK_ENV.GCS_PORT}`, projectId: 'test' });

export async function gcsObjects(bucket: string): Promise<Map<string, Buffer>> {
  const [files] = await gcs.bucket(bucket).getFiles();
  const out = new Map<string, Buffer>();
  for (const file of files) out.set(file.name, (await file.download())[0]);
  return out;
}

/** The object a bucket proves its owner's control with (GCS_VERIFICATION_OBJECT of the service). */
export const GCS_VERIFICATION_OBJECT = 'cae-export-verification.txt';

/** As the bucket's owner (outside the service): writes the tokens of the accounts allowed to deliver into it. */
export async function placeGcsTokens(bucket: string, tokens: string[]): Promise<void> {
  await gcs
    .bucket(bucket)
    .file(GCS_VERIFICATION_OBJECT)
    .save(`${tokens.join('\n')}\n`, { resumable: false });
}

/**
 * The test SFTP server's host key fingerprint, as `ssh-keygen -l` prints it (what a customer would give us): the
 * SHA-256 of the key blob of its `.pub` file, base64 without padding.
 */
export function sftpHostKeyFingerprint(): string {
  const publicKey = readFileSync(join(TEST_STACK_ENV.STACK_DIR, 'destinations', 'ssh_host_ed25519_key.pub'), 'utf8');
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1], 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A loopback port nothing listens on (it was free a moment ago): a destination that refuses every connection. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

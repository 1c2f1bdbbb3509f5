import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, JobView, runExport } from '../support/api';
import { createS3Bucket, FTP, S3_KEYS, SFTP } from '../support/destinations';
import { closeDatabase, createAccount, database, insertActivities, makeActivities } from '../support/fixtures';
import { readTopics } from '../support/kafka-topics';
import { TEST_STACK_ENV } from '../support/test-stack';

/** Every message of every topic as one string to search. */
async function everyTopicsContent(): Promise<string> {
  const messages = await readTopics();
  expect(messages.length).toBeGreaterThan(0);
  return messages.flatMap((message) => [message.key, message.value, ...message.headers]).join('\n');
}

describe('secrets stay secret', () => {
  const marker = `Zq${randomUUID().replace(/-/g, '')}`;
  const secrets = [
    `pw-${marker}`,
    `aws-secret-${marker}`,
    `AKIA${marker.slice(0, 16).toUpperCase()}`,
    SFTP.password,
    FTP.password,
    S3_KEYS.secretAccessKey,
  ];
  let key: string;
  let accountId: string;
  const jobs: JobView[] = [];

  beforeAll(async () => {
    ({ key, accountId } = await createAccount('secrets'));
    await insertActivities(makeActivities(accountId, 200, 71));
    const bucket = `secrets-${randomUUID().slice(0, 8)}`;
    await createS3Bucket(bucket);
    const destinations = [
      {
        type: 'sftp',
        server: SFTP.host,
        port: SFTP.port,
        username: SFTP.user,
        password: SFTP.password,
        path: '/upload',
      },
      { type: 'sftp', server: SFTP.host, port: SFTP.port, username: SFTP.user, password: secrets[0], path: '/upload' },
      { type: 'ftp', server: FTP.host, port: FTP.port, username: FTP.user, password: FTP.password, path: './' },
      {
        type: 's3',
        aws_access_key_id: S3_KEYS.accessKeyId,
        aws_secret_access_key: S3_KEYS.secretAccessKey,
        aws_bucket: bucket,
        aws_region: 'us-west-2',
        path: 'x',
      },
      {
        type: 's3',
        aws_access_key_id: secrets[2],
        aws_secret_access_key: secrets[1],
        aws_bucket: bucket,
        aws_region: 'us-west-2',
        path: 'x',
      },
    ];
    for (const destination of destinations) {
      jobs.push(await runExport(key, { name: `secret-${randomUUID().slice(0, 6)}`, exportType: 'csv', destination }));
    }
  });
  afterAll(closeDatabase);

  const leaks = (text: string) => secrets.filter((secret) => text.includes(secret));

  it('ran deliveries that used the secrets (some succeeding, some refused)', () => {
    expect(jobs.map((job) => job.status)).toEqual(['done', 'failed', 'done', 'done', 'failed']);
    expect(jobs[1].error?.code).toBe('AUTH_FAILED');
  });

  it('never returns a secret from the API; the request shows them redacted', async () => {
    for (const job of jobs) {
      const one = await api('GET', `/v2/jobs/${job.jobId}`, { key });
      expect(leaks(JSON.stringify(one.body))).toEqual([]);
      expect(JSON.stringify(one.body.request)).toMatch(/\[REDACTED\]/);
    }
    const list = await api('GET', '/v2/jobs?limit=200', { key });
    expect(leaks(JSON.stringify(list.body))).toEqual([]);
  });

  it('stores no secret in clear, and deletes the sealed credentials once each job ended', async () => {
    const db = await database();
    for (const name of await db.listCollections().toArray()) {
      const documents = await db.collection(name.name).find({}).toArray();
      expect({ collection: name.name, leaks: leaks(JSON.stringify(documents)) }).toEqual({
        collection: name.name,
        leaks: [],
      });
    }
    expect(
      await db
        .collection('destination_secrets')
        .countDocuments({ _id: { $in: jobs.map((job) => job.jobId) } as never }),
    ).toBe(0);
  });

  it('writes no secret to any service log', () => {
    const dir = join(TEST_STACK_ENV.STACK_DIR, 'logs');
    for (const file of readdirSync(dir)) {
      expect({ file, leaks: leaks(readFileSync(join(dir, file), 'latin1')) }).toEqual({ file, leaks: [] });
    }
  });

  it('puts no secret on any Kafka topic', async () => {
    expect(leaks(await everyTopicsContent())).toEqual([]);
  });
});

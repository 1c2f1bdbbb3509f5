import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { closeDatabase, createAccount, database } from '../support/fixtures';
import { produceRawAt, readJsonMessages, StatusEvent, waitForCommitPast } from '../support/kafka-topics';
import { insertPendingJob, INTERNAL_TOPICS } from '../support/poison';
import { S3_ENDPOINT } from '../support/test-stack';

/**
 * Issue 9, points 3 and 4: once a job ended, the other services stop working on it, and a failure on the query side
 * never leaves the writer holding a partition. The messages are written here by hand, as the query and the writer
 * would write them, so each case is exact; every check waits for the consumer to commit past the message (it
 * handled it for good) and then looks at what it did.
 */
const STAGING_BUCKET = 'cae-staging';
const staging = new S3Client({
  endpoint: S3_ENDPOINT,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'devaccesskey', secretAccessKey: 'devsecretkey123' },
});

const output = {
  format: 'csv',
  showHeader: true,
  showAllProperties: false,
  compress: false,
  fileBaseName: 'ended',
  limitRecordsPerFile: 1_000,
};
const records = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => ({ _id: `r${from + i}`, action: 'open', time: new Date(0).toISOString() }));

function batch(jobId: string, accountId: string, over: Record<string, unknown>): string {
  return JSON.stringify({
    jobId,
    accountId,
    batchSeq: 0,
    firstSeq: 0,
    records: [],
    final: false,
    output,
    delivery: { kind: 'internal' },
    ...over,
  });
}

async function failJobDocument(jobId: string): Promise<void> {
  await (await database()).collection('jobs').updateOne(
    { _id: jobId as never },
    {
      $set: {
        status: 'failed',
        endedAt: new Date(),
        error: { code: 'DESTINATION_GONE', message: 'failed elsewhere' },
      },
    },
  );
}

async function eventsOf(jobId: string, topic: string): Promise<StatusEvent[]> {
  return (await readJsonMessages<StatusEvent>([topic])).map((m) => m.value).filter((v) => v.jobId === jobId);
}

describe('ended jobs stop everywhere', () => {
  let account: { accountId: string; key: string };

  beforeAll(async () => {
    account = await createAccount('ended');
  });
  afterAll(closeDatabase);

  it("writer: an aborted final batch drops the open chunk, stages nothing, and frees the partition's commit", async () => {
    const jobId = await insertPendingJob(account.accountId, 'aborted-mid-export');
    const first = await produceRawAt(
      INTERNAL_TOPICS.records,
      jobId,
      batch(jobId, account.accountId, { records: records(5) }),
    );
    const aborted = await produceRawAt(
      INTERNAL_TOPICS.records,
      jobId,
      batch(jobId, account.accountId, { batchSeq: 1, firstSeq: 5, final: true, aborted: true }),
    );
    expect(aborted.partition).toBe(first.partition);
    // Without the abort, the open chunk holds the commit at the first batch for good.
    await waitForCommitPast('contactactivityexport-writer', INTERNAL_TOPICS.records, aborted.partition, aborted.offset);
    expect(await eventsOf(jobId, INTERNAL_TOPICS.chunks)).toEqual([]);
  });

  it('writer: a job that already failed gets no staged file', async () => {
    const jobId = await insertPendingJob(account.accountId, 'failed-before-writing');
    await failJobDocument(jobId);
    const sent = await produceRawAt(
      INTERNAL_TOPICS.records,
      jobId,
      batch(jobId, account.accountId, { records: records(3), final: true, totalRecords: 3 }),
    );
    await waitForCommitPast('contactactivityexport-writer', INTERNAL_TOPICS.records, sent.partition, sent.offset);
    expect(await eventsOf(jobId, INTERNAL_TOPICS.chunks)).toEqual([]);
  });

  it('delivery: a staged chunk of a failed job is not delivered, and its staged file is removed', async () => {
    const jobId = await insertPendingJob(account.accountId, 'failed-before-delivery');
    await failJobDocument(jobId);
    const fileName = `ended-${randomUUID().slice(0, 6)}.csv`;
    const stagingKey = `staging/${jobId}/${fileName}`;
    const body = 'id\nr0\n';
    await staging.send(new PutObjectCommand({ Bucket: STAGING_BUCKET, Key: stagingKey, Body: body }));
    const sent = await produceRawAt(
      INTERNAL_TOPICS.chunks,
      jobId,
      JSON.stringify({
        jobId,
        accountId: account.accountId,
        chunkIndex: 0,
        fileName,
        stagingKey,
        records: 1,
        bytes: body.length,
        sha256: '0'.repeat(64),
        firstSeq: 0,
        compressed: false,
        chunked: false,
        last: true,
        chunkCount: 1,
        totalRecords: 1,
        delivery: { kind: 'internal' },
      }),
    );
    await waitForCommitPast('contactactivityexport-delivery', INTERNAL_TOPICS.chunks, sent.partition, sent.offset);
    // The staged file is gone and nothing but the failure was ever reported.
    await expect(eventuallyGone(stagingKey)).resolves.toBe(true);
    expect((await eventsOf(jobId, INTERNAL_TOPICS.status)).filter((e) => e.type !== 'job.failed')).toEqual([]);
  });
});

async function eventuallyGone(key: string): Promise<boolean> {
  for (let i = 0; i < 240; i++) {
    try {
      await staging.send(new HeadObjectCommand({ Bucket: STAGING_BUCKET, Key: key }));
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

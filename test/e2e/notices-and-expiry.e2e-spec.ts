import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { api, download, JobView, runExport, waitForJob } from '../support/api';
import { closeDatabase, createAccount, database, insertActivities, makeActivities } from '../support/fixtures';
import { MAILPIT_URL, S3_ENDPOINT } from '../support/test-stack';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('confirmEmail notices and file expiry', () => {
  let key: string;
  let accountId: string;

  beforeAll(async () => {
    ({ key, accountId } = await createAccount('notice'));
    await insertActivities(makeActivities(accountId, 300, 41));
  });
  afterAll(closeDatabase);

  it('emails the confirmEmail address once the job ends, with its name, id, records and download link', async () => {
    const to = `ops-${accountId}@example.com`;
    const job = await runExport(key, { name: 'notice_me', exportType: 'csv', confirmEmail: to });
    const message = await waitFor('the notice', async () => {
      const found = (await (
        await fetch(`${MAILPIT_URL}/api/v1/search?query=${encodeURIComponent(`to:${to}`)}`)
      ).json()) as { messages?: { ID: string; Subject: string }[] };
      return found.messages?.length ? found.messages : undefined;
    });
    expect(message).toHaveLength(1);
    expect(message[0].Subject).toBe('Export "notice_me" is complete (done)');
    const full = (await (await fetch(`${MAILPIT_URL}/api/v1/message/${message[0].ID}`)).json()) as { Text: string };
    expect(full.Text).toContain(job.jobId);
    expect(full.Text).toContain('Records:  300');
    expect(full.Text).toContain(`/v2/jobs/${job.jobId}/files/notice_me.csv`);
  });

  it('removes a file from internal storage when it expires; the job lists it as expired and the download answers 410', async () => {
    const job = await runExport(key, { name: 'short_lived', exportType: 'csv' });
    expect((await download(key, job.files[0].url!)).status).toBe(200);
    const db = await database();
    const storageKey = (await db.collection('job_files').findOne({ jobId: job.jobId }))!.storageKey as string;
    const s3 = new S3Client({
      endpoint: S3_ENDPOINT,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'devaccesskey', secretAccessKey: 'devsecretkey123' },
    });
    await s3.send(new HeadObjectCommand({ Bucket: 'cae-files', Key: storageKey }));

    // Thirty days later, as far as the sweeper can tell.
    await db
      .collection('job_files')
      .updateOne({ jobId: job.jobId }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
    await waitFor('the sweep', async () =>
      (await db.collection('job_files').findOne({ jobId: job.jobId }))?.expired ? true : undefined,
    );
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'cae-files', Key: storageKey }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    const after = await waitForJob(key, job.jobId);
    expect(after.files).toEqual([expect.objectContaining({ name: 'short_lived.csv', expired: true })]);
    const gone = await download(key, job.files[0].url!);
    expect(gone.status).toBe(410);
    expect(JSON.parse(gone.bytes.toString())).toMatchObject({ code: 'FILE_EXPIRED' });
    const listed = await api<JobView>('GET', `/v2/jobs/${job.jobId}`, { key });
    expect(listed.body.status).toBe('done');
  });
});

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { api, ApiResponse, download, JobView, runExport } from '../support/api';
import { closeDatabase, createAccount, database, insertActivities, makeActivities } from '../support/fixtures';
import { readJsonMessages, StatusEvent } from '../support/kafka-topics';
import { insertPendingJob, INTERNAL_TOPICS } from '../support/poison';
import { MAILPIT_URL, S3_ENDPOINT, TEST_STACK_ENV, stackCommand as stack } from '../support/test-stack';

/**
 * Issue 12, "Cancel": DELETE /v2/jobs/{id} stops a pending or running export in every service, removes its staged
 * and partial files (and the files it kept in internal storage), and ends it `cancelled`; a finished job answers
 * 409, another account's job 404, and a repeated DELETE changes nothing.
 */
const storage = new S3Client({
  endpoint: S3_ENDPOINT,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'devaccesskey', secretAccessKey: 'devsecretkey123' },
});

/** Every object and unfinished multipart upload under `prefix` in `bucket`. */
async function stored(bucket: string, prefix: string): Promise<string[]> {
  const objects = await storage.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const uploads = await storage.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  return [
    ...(objects.Contents ?? []).map((object) => object.Key!),
    ...(uploads.Uploads ?? []).map((upload) => `${upload.Key} (unfinished upload)`),
  ];
}

/** The writer's local chunk files of a job, in every writer process's folder. */
function writerFilesOf(jobId: string): string[] {
  const root = join(TEST_STACK_ENV.STACK_DIR, 'writer-tmp');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [entry.name],
    );
  try {
    return walk(root).filter((name) => name.startsWith(jobId));
  } catch {
    return [];
  }
}

async function statusEvents(jobId: string): Promise<StatusEvent[]> {
  return (await readJsonMessages<StatusEvent>([INTERNAL_TOPICS.status]))
    .map((message) => message.value)
    .filter((event) => event.jobId === jobId);
}

async function getJob(key: string, jobId: string): Promise<JobView> {
  const { status, body } = await api<JobView>('GET', `/v2/jobs/${jobId}`, { key });
  if (status !== 200) throw new Error(`GET job ${jobId}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** Polls the job until `done(job)`, every 100 ms. */
async function pollJob(key: string, jobId: string, done: (job: JobView) => boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(key, jobId);
    if (done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} (${job.fileCount} files)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const cancel = (key: string, jobId: string): Promise<ApiResponse<JobView & { code?: string }>> =>
  api('DELETE', `/v2/jobs/${jobId}`, { key });

async function jobsServiceMetric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${TEST_STACK_ENV.JOBS_PORT}/metrics`)).text();
  const line = text.split('\n').find((each) => each.startsWith(`${name}{`) && each.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('cancelling a job (DELETE /v2/jobs/{jobId})', () => {
  let account: { accountId: string; key: string };
  let other: { accountId: string; key: string };

  beforeAll(async () => {
    account = await createAccount('cancel');
    other = await createAccount('cancel-other');
    // 40 files of 500: the running-export test stops delivery once the first one is delivered, far from the end.
    await insertActivities(makeActivities(account.accountId, 20_000, 12));
  });
  afterAll(closeDatabase);

  it('cancels a pending job: cancelled at once, and a repeated DELETE changes nothing', async () => {
    const jobId = await insertPendingJob(account.accountId, 'never-started');
    const first = await cancel(account.key, jobId);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ jobId, name: 'never-started' });
    expect(['cancelling', 'cancelled']).toContain(first.body.status);
    const ended = await pollJob(account.key, jobId, (job) => job.status === 'cancelled', 30_000);
    expect(ended).toMatchObject({ status: 'cancelled', fileCount: 0, files: [], completedItems: 0 });
    expect(ended.endedAt).not.toBeNull();

    const again = await cancel(account.key, jobId);
    expect([again.status, again.body.status, again.body.endedAt]).toEqual([202, 'cancelled', ended.endedAt]);
    // One request on the topic (the repeated DELETE asked nothing), then the end from the jobs service.
    const events = await statusEvents(jobId);
    expect(events.map((event) => [event.type, event.service])).toEqual([
      ['job.cancel.requested', 'gateway'],
      ['job.cancelled', 'jobs'],
    ]);
    expect(events.every((event) => event.accountId === account.accountId)).toBe(true);

    // The list's status filter knows the new status.
    const listed = await api<{ items: JobView[] }>('GET', '/v2/jobs?status=cancelled', { key: account.key });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((job) => job.jobId)).toContain(jobId);
    expect(listed.body.items.every((job) => job.status === 'cancelled')).toBe(true);
    expect((await api('GET', '/v2/jobs?status=cancelling', { key: account.key })).status).toBe(200);

    // Long past what the reconciler allows a pending job, it is neither published again nor failed.
    const db = await database();
    await db
      .collection('jobs')
      .updateOne({ _id: jobId as never }, { $set: { createdAt: new Date(Date.now() - 2 * 3_600_000) } });
    await new Promise((resolve) => setTimeout(resolve, 3 * Number(TEST_STACK_ENV.JOB_RECONCILE_INTERVAL_MS)));
    expect(await getJob(account.key, jobId)).toMatchObject({ status: 'cancelled', endedAt: ended.endedAt });
    expect((await statusEvents(jobId)).map((event) => event.type)).not.toContain('job.failed');
  });

  it('stops a running export in every service, removes its staged and internal files, and adds nothing after', async () => {
    const to = `cancel-${account.accountId}@example.com`;
    const cancelledBefore = await jobsServiceMetric('cae_jobs_ended_total', 'status="cancelled"');
    const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
      key: account.key,
      body: { name: 'big_export', exportType: 'csv', limitRecordsPerFile: 500, confirmEmail: to },
    });
    expect(created.status).toBe(202);
    const { jobId } = created.body;
    // Running, with files already delivered to internal storage (so there are files of each kind to remove).
    const running = await pollJob(account.key, jobId, (job) => job.status !== 'pending' && job.fileCount >= 1);
    expect(running.status).toBe('processing');
    // Delivery stopped: without it the export cannot end `done`, however fast the machine is, so the cancel is
    // applied to a running job. Its staged chunks wait in delivery's queue and on the chunks topic; delivery, started
    // again after the request, must drop them and remove them from staging (the path of a replica that restarts).
    stack('stop-service', 'delivery');
    try {
      const first = await cancel(account.key, jobId);
      if (first.status === 409) throw new Error('the export ended before delivery stopped: seed more records');
      expect(first.status).toBe(202);
      expect(['cancelling', 'cancelled']).toContain(first.body.status);
      const second = await cancel(account.key, jobId); // idempotent while cancelling
      expect(second.status).toBe(202);
      expect(['cancelling', 'cancelled']).toContain(second.body.status);
    } finally {
      stack('start-service', 'delivery');
    }

    // Within seconds (the watches of every service run every 1 to 2 s); a minute-long wait would mean one did not stop.
    const ended = await pollJob(account.key, jobId, (job) => job.status === 'cancelled', 30_000);
    // Stopped early: short of its 40 files; every file it lists was delivered before the request.
    expect(ended.fileCount).toBeLessThan(40);
    const stagedChunks = async () =>
      (await readJsonMessages<{ jobId: string }>([INTERNAL_TOPICS.chunks])).filter(
        (message) => message.value.jobId === jobId,
      ).length;
    const stagedWhenEnded = await stagedChunks();
    expect(ended.fileCount).toBe(ended.files.length);
    expect(ended.completedItems).toBe(ended.files.reduce((sum, file) => sum + file.records, 0));
    expect(ended.files.length).toBeGreaterThanOrEqual(1);
    // Its internal files are removed: listed as expired, the download answers 410, storage holds none of them.
    for (const file of ended.files) {
      expect(file).toMatchObject({ expired: true });
      expect((await download(account.key, file.url!)).status).toBe(410);
    }
    expect(await stored('cae-files', `accounts/${account.accountId}/jobs/${jobId}/`)).toEqual([]);
    // Nothing staged, no unfinished upload, no chunk file on the writer's disk.
    expect(await stored('cae-staging', `staging/${jobId}/`)).toEqual([]);
    expect(writerFilesOf(jobId)).toEqual([]);
    // No service works on it: the query holds no lease, delivery has nothing queued.
    const db = await database();
    const checkpoint = await db.collection('query_checkpoints').findOne({ _id: jobId as never });
    expect(['stopped', 'done']).toContain(checkpoint?.state);
    expect(checkpoint?.leaseUntil).toBeUndefined();
    expect(await db.collection('delivery_queue').countDocuments({ jobId })).toBe(0);

    // A while later: still cancelled, no file added, nothing staged again.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const later = await getJob(account.key, jobId);
    expect([later.status, later.fileCount, later.endedAt]).toEqual(['cancelled', ended.fileCount, ended.endedAt]);
    expect(await db.collection('job_files').countDocuments({ jobId })).toBe(ended.fileCount);
    expect(await stored('cae-staging', `staging/${jobId}/`)).toEqual([]);
    expect(await stagedChunks()).toBe(stagedWhenEnded);

    const events = await statusEvents(jobId);
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'job.cancel.requested')).toHaveLength(1);
    expect(types.indexOf('job.cancel.requested')).toBeLessThan(types.indexOf('job.cancelled'));
    expect(types).not.toContain('job.failed');

    // The confirmEmail notice says so, without download links for the removed files.
    const notice = await waitForMail(to);
    expect(notice.Subject).toBe('Export "big_export" was cancelled (cancelled)');
    const text = await mailText(notice.ID);
    expect(text).toContain(jobId);
    expect(text).not.toContain(`/v2/jobs/${jobId}/files/`);
    expect(await jobsServiceMetric('cae_jobs_ended_total', 'status="cancelled"')).toBeGreaterThan(cancelledBefore);
  });

  it('answers 409 for a job that already ended, and leaves it as it ended', async () => {
    const done = await runExport(account.key, {
      name: 'small_done',
      exportType: 'json',
      selected_timeframe_start: '2019-03-20T00:00:00.000Z',
      selected_timeframe_end: '2019-03-20T01:00:00.000Z',
    });
    expect(done.status).toBe('done');
    const refused = await cancel(account.key, done.jobId);
    expect([refused.status, refused.body.code]).toEqual([409, 'JOB_ALREADY_ENDED']);
    expect(await getJob(account.key, done.jobId)).toMatchObject({ status: 'done', endedAt: done.endedAt });
    expect((await download(account.key, done.files[0].url!)).status).toBe(200);

    const failedId = await insertPendingJob(account.accountId, 'failed-already');
    await (
      await database()
    )
      .collection('jobs')
      .updateOne(
        { _id: failedId as never },
        { $set: { status: 'failed', endedAt: new Date(), error: { code: 'QUERY_FAILED', message: 'x' } } },
      );
    expect((await cancel(account.key, failedId)).status).toBe(409);
    expect((await statusEvents(done.jobId)).map((event) => event.type)).not.toContain('job.cancel.requested');
  });

  it("answers 404 for another account's job, as GET does, and changes nothing", async () => {
    const jobId = await insertPendingJob(account.accountId, 'not-yours');
    const got = await api('GET', `/v2/jobs/${jobId}`, { key: other.key });
    const deleted = await cancel(other.key, jobId);
    expect([deleted.status, deleted.body.code]).toEqual([404, 'JOB_NOT_FOUND']);
    expect(deleted.body).toEqual(got.body);
    expect(got.status).toBe(404);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-job-id'])
      expect((await cancel(account.key, id)).status).toBe(404);
    expect((await getJob(account.key, jobId)).status).toBe('pending');
    expect(await statusEvents(jobId)).toEqual([]);
    expect((await cancel(account.key, jobId)).status).toBe(202); // its own account may
  });

  it('a job cancelled around its completion ends done or cancelled, never both', async () => {
    for (const delayMs of [0, 300, 900]) {
      const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
        key: account.key,
        body: {
          exportType: 'csv',
          selected_timeframe_start: '2019-03-21T00:00:00.000Z',
          selected_timeframe_end: '2019-03-21T06:00:00.000Z',
        },
      });
      const { jobId } = created.body;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const answer = await cancel(account.key, jobId);
      expect([202, 409]).toContain(answer.status);
      const ended = await pollJob(account.key, jobId, (job) => ['done', 'failed', 'cancelled'].includes(job.status));
      expect(ended.status).toBe(answer.status === 202 ? 'cancelled' : 'done');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await getJob(account.key, jobId)).toMatchObject({ status: ended.status, endedAt: ended.endedAt });
      if (ended.status === 'cancelled') expect(await stored('cae-staging', `staging/${jobId}/`)).toEqual([]);
    }
  });
});

interface MailSummary {
  ID: string;
  Subject: string;
}

async function waitForMail(to: string): Promise<MailSummary> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = (await (
      await fetch(`${MAILPIT_URL}/api/v1/search?query=${encodeURIComponent(`to:${to}`)}`)
    ).json()) as { messages?: MailSummary[] };
    if (found.messages?.length) return found.messages[0];
    if (Date.now() > deadline) throw new Error(`no notice to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function mailText(id: string): Promise<string> {
  return ((await (await fetch(`${MAILPIT_URL}/api/v1/message/${id}`)).json()) as { Text: string }).Text;
}

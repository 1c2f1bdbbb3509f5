import { api, JobView, runExport, waitForJob } from '../support/api';
import { closeDatabase, createAccount, database, insertActivities, makeActivities } from '../support/fixtures';
import { produceMany } from '../support/kafka-topics';
import { insertPendingJob, INTERNAL_TOPICS } from '../support/poison';

type FilesPage = { items: JobView['files']; nextCursor: string | null };

/** Issue 9, point 8: a job's files are listed a page at a time (GET /v2/jobs/{id}/files), in chunk order. */
describe('GET /v2/jobs/{jobId}/files', () => {
  let key: string;
  let job: JobView;

  beforeAll(async () => {
    const account = await createAccount('files-api');
    key = account.key;
    await insertActivities(makeActivities(account.accountId, 100, 501));
    job = await runExport(key, { name: 'paged', exportType: 'csv', limitRecordsPerFile: 20 });
    expect(job.files).toHaveLength(5);
  });
  afterAll(closeDatabase);

  it('pages through every file once, in chunk order, with the same entries as the job', async () => {
    const seen: JobView['files'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const { status, body }: { status: number; body: FilesPage } = await api<FilesPage>(
        'GET',
        `/v2/jobs/${job.jobId}/files${query}`,
        { key },
      );
      expect(status).toBe(200);
      seen.push(...body.items);
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(job.files);
    const whole = await api<FilesPage>('GET', `/v2/jobs/${job.jobId}/files`, { key });
    expect(whole.body).toEqual({ items: job.files, nextCursor: null });
  });

  it("refuses bad paging parameters with 400 and hides other accounts' jobs behind 404", async () => {
    for (const query of [
      '?limit=0',
      '?limit=1001',
      '?limit=1e2',
      '?cursor=bogus!',
      '?cursor=eyJ4IjoxfQ',
      '?limit=2&limit=3',
      '?page=2',
    ]) {
      const { status, body } = await api<{ code: string }>('GET', `/v2/jobs/${job.jobId}/files${query}`, { key });
      expect({ query, status, code: body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
    const other = await createAccount('files-intruder');
    expect((await api('GET', `/v2/jobs/${job.jobId}/files`, { key: other.key })).status).toBe(404);
    expect((await api('GET', '/v2/jobs/not-a-job/files', { key })).status).toBe(404);
  });
});

/**
 * Issue 9, point 8: a job's file list lives beside the job (one document per file), not inside it. Each delivered
 * file used to rewrite the whole embedded list (quadratic, and a job document past 16 MiB at ~50k files). The job
 * resource shows the first page of files, the file count and where the rest is.
 */
describe('a job of many files', () => {
  const FILES = 300;
  let key: string;
  let accountId: string;
  let jobId: string;
  let records: number[];

  beforeAll(async () => {
    const account = await createAccount('many-files');
    ({ key, accountId } = account);
    jobId = await insertPendingJob(accountId, 'many-files');
    records = Array.from({ length: FILES }, (_, index) => 1 + ((index * 7) % 13));
    // Delivered out of chunk order, and some reports twice (a replay after a crash): each counts once.
    const order = Array.from({ length: FILES }, (_, index) => (index * 37) % FILES);
    const replays = order.slice(0, 25);
    const events = [...order, ...replays].map((chunkIndex) => fileDelivered(chunkIndex));
    await produceMany(
      INTERNAL_TOPICS.status,
      events.map((value) => ({ key: jobId, value: JSON.stringify(value) })),
    );
  });
  afterAll(closeDatabase);

  function fileDelivered(chunkIndex: number) {
    const name = `many-files-${String(chunkIndex + 1).padStart(4, '0')}.csv`;
    return {
      type: 'file.delivered',
      jobId,
      accountId,
      at: new Date().toISOString(),
      service: 'e2e',
      file: {
        name,
        chunkIndex,
        records: records[chunkIndex],
        bytes: 100 + chunkIndex,
        sha256: 'a'.repeat(64),
        location: `sftp://127.0.0.1:22/out/${name}`,
      },
    };
  }

  async function jobWhenAllFilesCounted(): Promise<JobView & { fileCount?: number; filesUrl?: string }> {
    for (;;) {
      const { body } = await api<JobView & { fileCount?: number }>('GET', `/v2/jobs/${jobId}`, { key });
      if (body.fileCount === FILES || (body.fileCount === undefined && body.files.length === FILES)) return body;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  it('counts every file once while running, keeps the list out of the job document, and shows the first page', async () => {
    const job = await jobWhenAllFilesCounted();
    expect(job.status).toBe('processing');
    expect(job.completedItems).toBe(records.reduce((sum, count) => sum + count, 0));
    expect(job.fileCount).toBe(FILES);
    expect(job.filesUrl).toBe(`/v2/jobs/${jobId}/files`);
    expect(job.files.map((file) => file.name)).toEqual(
      Array.from({ length: 100 }, (_, index) => `many-files-${String(index + 1).padStart(4, '0')}.csv`),
    );
    const stored = await (await database()).collection('jobs').findOne({ _id: jobId as never });
    expect((stored?.files ?? []).length).toBe(0);
    expect(JSON.stringify(stored).length).toBeLessThan(4_000);
  });

  it('lists all of them through the files endpoint, and ends done with the exact count', async () => {
    const whole = await api<FilesPage>('GET', `/v2/jobs/${jobId}/files?limit=1000`, { key });
    expect(whole.body.items.map((file) => file.records)).toEqual(records);
    const total = records.reduce((sum, count) => sum + count, 0);
    await produceMany(INTERNAL_TOPICS.status, [
      {
        key: jobId,
        value: JSON.stringify({
          type: 'job.completed',
          jobId,
          accountId,
          at: new Date().toISOString(),
          service: 'e2e',
          fileCount: FILES,
          totalRecords: total,
        }),
      },
    ]);
    const done = await waitForJob(key, jobId);
    expect({ status: done.status, completedItems: done.completedItems, files: done.files.length }).toEqual({
      status: 'done',
      completedItems: total,
      files: 100,
    });
  });
});

import { api, JobView, runExport } from '../support/api';
import { closeDatabase, createAccount, insertActivities, makeActivities } from '../support/fixtures';

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
      const { status, body }: { status: number; body: FilesPage } = await api<FilesPage>('GET', `/v2/jobs/${job.jobId}/files${query}`, { key });
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

  it('refuses bad paging parameters with 400 and hides other accounts\' jobs behind 404', async () => {
    for (const query of ['?limit=0', '?limit=1001', '?limit=1e2', '?cursor=bogus!', '?cursor=eyJ4IjoxfQ', '?limit=2&limit=3', '?page=2']) {
      const { status, body } = await api<{ code: string }>('GET', `/v2/jobs/${job.jobId}/files${query}`, { key });
      expect({ query, status, code: body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
    const other = await createAccount('files-intruder');
    expect((await api('GET', `/v2/jobs/${job.jobId}/files`, { key: other.key })).status).toBe(404);
    expect((await api('GET', '/v2/jobs/not-a-job/files', { key })).status).toBe(404);
  });
});

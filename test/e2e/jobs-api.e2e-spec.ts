import { api, JobView, waitForJob } from '../support/api';
import { closeDatabase, createAccount, insertActivities, makeActivities } from '../support/fixtures';

describe('Jobs API', () => {
  let key: string;

  beforeAll(async () => {
    const account = await createAccount('jobs');
    key = account.key;
    await insertActivities(makeActivities(account.accountId, 200, 3));
  });
  afterAll(closeDatabase);

  it('answers 202 with a Location, and the job is readable right after the POST', async () => {
    const created = await api<{ jobId: string; name: string; status: string }>('POST', '/v2/contactactivityexport', {
      key,
      body: { exportType: 'json', name: 'right-after' },
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ name: 'right-after', status: 'pending' });
    expect(created.headers.get('location')).toBe(`/v2/jobs/${created.body.jobId}`);
    const immediately = await api<JobView>('GET', `/v2/jobs/${created.body.jobId}`, { key });
    expect(immediately.status).toBe(200);
    expect(['pending', 'processing', 'done']).toContain(immediately.body.status);
    const done = await waitForJob(key, created.body.jobId);
    expect(done).toMatchObject({ status: 'done', totalItems: 200, completedItems: 200 });
    expect(Date.parse(done.endedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));
  });

  it("hides another account's jobs and files behind 404", async () => {
    const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
      key,
      body: { exportType: 'csv', name: 'private' },
    });
    const job = await waitForJob(key, created.body.jobId);
    const other = await createAccount('intruder');
    expect((await api('GET', `/v2/jobs/${job.jobId}`, { key: other.key })).status).toBe(404);
    expect((await api('GET', job.files[0].url!, { key: other.key })).status).toBe(404);
    const list = await api<{ items: JobView[] }>('GET', '/v2/jobs', { key: other.key });
    expect(list.body.items).toEqual([]);
    expect((await api('GET', `/v2/jobs/${job.jobId}/files/nope.csv`, { key })).status).toBe(404);
  });

  it('lists jobs newest first with cursor pagination and filters', async () => {
    const names = ['page-a', 'page-b', 'page-c'];
    for (const name of names) {
      const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
        key,
        body: { exportType: 'csv', name },
      });
      await waitForJob(key, created.body.jobId);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: JobView[]; nextCursor: string | null } } = await api(
        'GET',
        `/v2/jobs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { key },
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((job) => job.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 3)).toEqual(['page-c', 'page-b', 'page-a']);
    expect(new Set(seen).size).toBe(seen.length);
    const filtered = await api<{ items: JobView[] }>('GET', '/v2/jobs?name=page-b&status=done', { key });
    expect(filtered.body.items.map((job) => job.name)).toEqual(['page-b']);
    expect((await api('GET', '/v2/jobs?status=bogus', { key })).status).toBe(400);
  });

  it.each([['1e2'], ['0x10'], ['%2010'], ['10%20'], ['010'], ['0'], ['201'], ['1.5'], ['-1'], [''], ['ten']])(
    'refuses limit=%s: an integer 1-200 written plainly, nothing else',
    async (limit) => {
      const response = await api<{ code: string; fields: { field: string }[] }>('GET', `/v2/jobs?limit=${limit}`, {
        key,
      });
      expect(response.status).toBe(400);
      expect(response.body.fields.map((f) => f.field)).toEqual(['limit']);
    },
  );

  it.each([['limit=5&limit=6'], ['status=done&status=failed'], ['createdFrom=2019-03-10T00:00:00']])(
    'refuses %s',
    async (query) => {
      expect((await api('GET', `/v2/jobs?${query}`, { key })).status).toBe(400);
    },
  );

  it('accepts the plain forms', async () => {
    for (const limit of ['1', '20', '200'])
      expect((await api('GET', `/v2/jobs?limit=${limit}`, { key })).status).toBe(200);
  });
});

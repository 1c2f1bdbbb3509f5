import { api, basicAuth, download, JobView, runExport } from '../support/api';
import { sha256 } from '../support/files';
import {
  closeDatabase,
  createAccount,
  database,
  insertActivities,
  insertAudience,
  insertContacts,
  makeActivities,
  TestActivity,
} from '../support/fixtures';
import { readTopics } from '../support/kafka-topics';
import { API_URL } from '../support/test-stack';

/**
 * Issue 12: `"dryRun": true` counts what the export would read (with the query service's own filter) and names the
 * files it would make, creating nothing; downloads from internal storage serve single byte ranges (206).
 */
interface DryRun {
  dryRun: true;
  name: string | null;
  count: number | null;
  timedOut: boolean;
  fileCount: number | null;
  files: { name: string; records: number | null }[];
  countedAt: string;
}

const PATH = '/v2/contactactivityexport';
const REQUESTED_TOPIC = 'contactactivityexport.requested.v1';

describe('dry runs (issue 12)', () => {
  let key: string;
  let accountId: string;
  let activities: TestActivity[];

  beforeAll(async () => {
    ({ key, accountId } = await createAccount('dry-run'));
    activities = makeActivities(accountId, 900, 1212);
    await insertActivities(activities);
    await insertContacts(accountId);
    await insertAudience(accountId, 'vip_members', { tier: 'vip' });
  });
  afterAll(closeDatabase);

  const dryRun = (body: Record<string, unknown>) => api<DryRun>('POST', PATH, { key, body: { ...body, dryRun: true } });

  it('counts what the export then exports, names its files, and creates nothing until then', async () => {
    const request = {
      name: 'opens_and_clicks',
      exportType: 'csv',
      selected_action_names: ['open', 'click'],
      selected_timeframe_start: '2019-03-22T00:00:00.000Z',
      selected_timeframe_end: '2019-03-27T23:59:59.999+00:00',
      limitRecordsPerFile: 40,
      compress: true,
    };
    const expected = activities.filter(
      (a) =>
        ['open', 'click'].includes(a.action) &&
        a.time >= new Date(request.selected_timeframe_start) &&
        a.time <= new Date(request.selected_timeframe_end),
    ).length;
    expect(expected).toBeGreaterThan(80); // several files, the last one partly filled

    const answer = await dryRun(request);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ dryRun: true, name: 'opens_and_clicks', count: expected, timedOut: false });
    expect(answer.body.fileCount).toBe(Math.ceil(expected / 40));
    expect(answer.body.files[0]).toEqual({ name: 'opens_and_clicks-part-00001.csv.gz', records: 40 });
    // Nothing was made: no job, nothing queued for the query service.
    expect(await (await database()).collection('jobs').countDocuments({ accountId })).toBe(0);
    const queued = (await readTopics([REQUESTED_TOPIC])).filter((message) => message.value.includes(accountId));
    expect(queued).toEqual([]);

    const job = await runExport(key, request);
    expect(job.status).toBe('done');
    expect(job.totalItems).toBe(answer.body.count);
    expect(job.fileCount).toBe(answer.body.fileCount);
    expect(job.files.map(({ name, records }) => ({ name, records }))).toEqual(answer.body.files);
  });

  it('resolves selected_contact as the export does (an email of the contact)', async () => {
    const request = { exportType: 'json', name: 'one_contact', selected_contact: 'contact-7@example.com' };
    const answer = await dryRun(request);
    expect(answer.body.count).toBe(activities.filter((a) => a.cID === 'cid-7').length);
    expect(answer.body.count).toBeGreaterThan(0);
    const job = await runExport(key, request);
    expect(job.totalItems).toBe(answer.body.count);
    expect(answer.body.files).toEqual([{ name: 'one_contact.json', records: answer.body.count }]);
  });

  it('names the files of a request without a name by a placeholder, and counts an empty export as one file', async () => {
    const answer = await dryRun({ exportType: 'csv', selected_timeframe_start: '2030-01-01T00:00:00Z' });
    expect(answer.body).toMatchObject({
      name: null,
      count: 0,
      fileCount: 1,
      files: [{ name: 'export-xxxxxxxx.csv', records: 0 }],
    });
  });

  it('refuses what the export would refuse, and an audience, with 400', async () => {
    const invalid = await dryRun({ exportType: 'csv', selected_action_name: 'nope' });
    expect([invalid.status, (invalid.body as unknown as { code: string }).code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknownAudience = await dryRun({ exportType: 'csv', selected_audience_key: 'missing' });
    expect(unknownAudience.status).toBe(400);
    const audience = await dryRun({ exportType: 'csv', selected_audience_key: 'vip_members' });
    expect(audience.status).toBe(400);
    expect(audience.body).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'dryRun' }] });
    const typed = await api('POST', PATH, { key, body: { exportType: 'csv', dryRun: 'true' } });
    expect(typed.status).toBe(400);
  });
});

describe('ranged downloads (issue 12)', () => {
  let key: string;
  let file: JobView['files'][number];
  let whole: Buffer;

  beforeAll(async () => {
    const account = await createAccount('ranges');
    key = account.key;
    await insertActivities(makeActivities(account.accountId, 300, 1313));
    const job = await runExport(key, { name: 'ranged', exportType: 'csv' });
    expect(job.status).toBe('done');
    file = job.files[0];
    const full = await download(key, file.url!);
    expect([full.status, full.headers.get('accept-ranges')]).toEqual([200, 'bytes']);
    expect(full.headers.get('etag')).toBe(`"${file.sha256}"`);
    whole = full.bytes;
    expect(sha256(whole)).toBe(file.sha256);
    expect(whole.length).toBeGreaterThan(1_000);
  });
  afterAll(closeDatabase);

  const ranged = async (range: string, ifRange?: string) => {
    const headers: Record<string, string> = { authorization: basicAuth(key), range };
    if (ifRange !== undefined) headers['if-range'] = ifRange;
    const response = await fetch(`${API_URL}${file.url}`, { headers });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=100-', 100, -1],
    ['bytes=-50', -50, -1],
    ['bytes=500-99999999', 500, -1],
    ['bytes=7-7', 7, 7],
  ])('serves %s as 206 with the matching slice of the file', async (range, from, to) => {
    const start = from < 0 ? whole.length + from : from;
    const end = to < 0 ? whole.length - 1 : to;
    const part = await ranged(range);
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes ${start}-${end}/${whole.length}`);
    expect(Number(part.headers.get('content-length'))).toBe(end - start + 1);
    expect(part.bytes.equals(whole.subarray(start, end + 1))).toBe(true);
  });

  it('puts the slices of a resumed download back together into the file', async () => {
    const cut = Math.floor(whole.length / 3);
    const head = await ranged(`bytes=0-${cut - 1}`);
    const rest = await ranged(`bytes=${cut}-`, `"${file.sha256}"`);
    expect([head.status, rest.status]).toEqual([206, 206]);
    expect(sha256(Buffer.concat([head.bytes, rest.bytes]))).toBe(file.sha256);
  });

  it('answers 416 with the size to a range past the end, and the whole file to what it does not serve', async () => {
    const past = await ranged(`bytes=${whole.length}-`);
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${whole.length}`);
    expect(JSON.parse(past.bytes.toString())).toMatchObject({ code: 'RANGE_NOT_SATISFIABLE' });
    for (const [range, ifRange] of [
      ['bytes=0-9,20-29', undefined],
      ['bytes=0-9', '"not-this-file"'],
      ['lines=0-9', undefined],
    ]) {
      const answer = await ranged(range!, ifRange);
      expect({ range, status: answer.status }).toEqual({ range, status: 200 });
      expect(answer.bytes.equals(whole)).toBe(true);
    }
  });
});

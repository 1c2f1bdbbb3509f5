import { runExport } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { expectedCell, parseCsv, readPath } from '../support/files';
import {
  asExported,
  closeDatabase,
  createAccount,
  exportOrder,
  insertActivities,
  makeActivities,
  TestActivity,
} from '../support/fixtures';

const DEFAULT_COLUMNS = [
  '_id',
  'cID',
  'email',
  'action',
  'time',
  'bmID',
  'mdtID',
  'mcID',
  'message_name',
  'first',
  'system_properties',
  'properties',
];

describe('CSV exports to internal storage', () => {
  let key: string;
  let activities: TestActivity[];

  beforeAll(async () => {
    const account = await createAccount('csv');
    key = account.key;
    activities = makeActivities(account.accountId, 2_500, 7);
    await insertActivities(activities);
    // Another account's activities in the same collection must never show up.
    await insertActivities(makeActivities((await createAccount('csv-other')).accountId, 300, 8));
  });
  afterAll(closeDatabase);

  const rowsOf = (records: TestActivity[], columns: string[]) =>
    exportOrder(records).map((activity) => columns.map((path) => expectedCell(readPath(asExported(activity), path))));

  it('runs the reference example (batch message-sent, timeframe, header) with the default columns', async () => {
    const job = await runExport(key, {
      name: 'activities_batch_march25',
      exportType: 'csv',
      destination: { type: 'aws' },
      showHeader: true,
      selected_timeframe_start: '2019-03-24T00:00:00.000Z',
      selected_timeframe_end: '2019-03-25T23:59:59.999Z',
      selected_message_type: 'batch',
      selected_action_name: 'message-sent',
      compress: false,
      confirmEmail: 'msmith@example.com',
    });
    const start = Date.parse('2019-03-24T00:00:00.000Z');
    const end = Date.parse('2019-03-25T23:59:59.999Z');
    const expected = activities.filter(
      (a) =>
        a.action === 'message-sent' && a.bmID !== undefined && a.time.getTime() >= start && a.time.getTime() <= end,
    );
    expect(expected.length).toBeGreaterThan(10);
    expect(job).toMatchObject({ status: 'done', totalItems: expected.length, completedItems: expected.length });
    expect(job.files.map((f) => [f.name, f.records])).toEqual([['activities_batch_march25.csv', expected.length]]);
    const [file] = await downloadAll(key, job);
    const [header, ...rows] = parseCsv(file.text);
    expect(header).toEqual(DEFAULT_COLUMNS);
    expect(rows).toEqual(rowsOf(expected, DEFAULT_COLUMNS));
  });

  it('cuts gzipped chunks at limitRecordsPerFile with labelled columns, dot paths and short names', async () => {
    const columnHeaders = [
      { name: '_id', label: 'Id' },
      { name: 'a', label: 'Action' },
      { name: 'ats', label: 'When' },
      { name: 'email', label: 'Contact Email' },
      { name: 'sp.desc', label: 'Bounce description' },
      { name: 'properties.nested.deep', label: 'Deep, "quoted"' },
      { name: 'first', label: 'first' },
    ];
    const job = await runExport(key, {
      name: 'chunked-gz',
      exportType: 'CSV',
      compress: true,
      limitRecordsPerFile: 400,
      columnHeaders,
    });
    expect(job.status).toBe('done');
    const expectedNames = Array.from({ length: 7 }, (_, i) => `chunked-gz-part-0000${i + 1}.csv.gz`);
    expect(job.files.map((f) => f.name)).toEqual(expectedNames);
    expect(job.files.map((f) => f.records)).toEqual([400, 400, 400, 400, 400, 400, 100]);
    const files = await downloadAll(key, job);
    const paths = ['_id', 'action', 'time', 'email', 'system_properties.desc', 'properties.nested.deep', 'first'];
    const expected = rowsOf(activities, paths);
    const labels = columnHeaders.map((c) => c.label);
    const rows = files.flatMap((file, i) => {
      const [header, ...body] = parseCsv(file.text);
      expect(header).toEqual(labels);
      expect(body).toHaveLength(job.files[i].records);
      return body;
    });
    expect(rows).toEqual(expected);
  });

  it('leaves the header out when showHeader is false', async () => {
    const job = await runExport(key, {
      name: 'no-header',
      exportType: 'csv',
      showHeader: false,
      selected_action_names: ['bounce'],
      columnHeaders: [{ name: 'cID', label: 'Contact' }],
    });
    const [file] = await downloadAll(key, job);
    expect(parseCsv(file.text)).toEqual(
      rowsOf(
        activities.filter((a) => a.action === 'bounce'),
        ['cID'],
      ),
    );
  });

  it('completes an export that matches nothing with one header-only file', async () => {
    const job = await runExport(key, {
      name: 'nothing',
      exportType: 'csv',
      selected_timeframe_start: '2030-01-01T00:00:00Z',
    });
    expect(job).toMatchObject({ status: 'done', totalItems: 0, completedItems: 0 });
    expect(job.files.map((f) => [f.name, f.records])).toEqual([['nothing.csv', 0]]);
    const [file] = await downloadAll(key, job);
    expect(parseCsv(file.text)).toEqual([DEFAULT_COLUMNS]);
  });
});

import { ObjectId } from 'mongodb';
import { runExport } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { parseNdjson, readPath } from '../support/files';
import {
  asExported,
  closeDatabase,
  createAccount,
  database,
  exportOrder,
  insertActivities,
  makeActivities,
  TestActivity,
} from '../support/fixtures';

const STANDARD = ['message-sent', 'open', 'click', 'optout', 'bounce', 'complaint'];

describe('JSON exports to internal storage', () => {
  let key: string;
  let accountId: string;
  let activities: TestActivity[];

  beforeAll(async () => {
    const account = await createAccount('json');
    ({ key, accountId } = account);
    activities = makeActivities(account.accountId, 1_800, 11);
    await insertActivities(activities);
  });
  afterAll(closeDatabase);

  it('writes every field of each record (never accountId) as one JSON object per line', async () => {
    const job = await runExport(key, {
      name: 'opens_clicks_custom',
      exportType: 'json',
      selected_action_names: ['open', 'click', 'custom'],
    });
    const expected = exportOrder(
      activities.filter((a) => a.action === 'open' || a.action === 'click' || !STANDARD.includes(a.action)),
    );
    expect(job).toMatchObject({ status: 'done', totalItems: expected.length, completedItems: expected.length });
    expect(job.files.map((f) => f.name)).toEqual(['opens_clicks_custom.json']);
    const [file] = await downloadAll(key, job);
    const lines = parseNdjson(file.text);
    expect(lines).toEqual(expected.map(asExported));
    for (const line of lines) expect(line).not.toHaveProperty('accountId');
  });

  it('labels columns, keeps JSON types, and chunks without compression', async () => {
    const columnHeaders = [
      { name: '_id', label: '_id' },
      { name: 'action', label: 'action' },
      { name: 'bmID', label: 'msID' },
      { name: 'time', label: 'time' },
      { name: 'first', label: 'first' },
      { name: 'system_properties.bt', label: 'system_properties_bt' },
      { name: 'properties.price', label: 'price' },
    ];
    const job = await runExport(key, {
      name: 'automation-json',
      exportType: 'json',
      selected_message_type: 'automation',
      limitRecordsPerFile: 250,
      compress: false,
      columnHeaders,
      selected_timeframe_start: '2019-03-21T00:00:00+00:00',
      selected_timeframe_end: '2019-03-28T12:00:00+00:00',
    });
    const start = Date.parse('2019-03-21T00:00:00Z');
    const end = Date.parse('2019-03-28T12:00:00Z');
    const expected = exportOrder(
      activities.filter((a) => a.mdtID !== undefined && a.time.getTime() >= start && a.time.getTime() <= end),
    );
    expect(job.status).toBe('done');
    expect(job.files).toHaveLength(Math.ceil(expected.length / 250));
    job.files.forEach((file, i) =>
      expect(file.name).toBe(`automation-json-part-${String(i + 1).padStart(5, '0')}.json`),
    );
    const lines = (await downloadAll(key, job)).flatMap((file) => parseNdjson(file.text));
    const want = expected.map((activity) => {
      const record = asExported(activity);
      return Object.fromEntries(columnHeaders.map(({ name, label }) => [label, readPath(record, name) ?? null]));
    });
    expect(lines).toEqual(want);
  });

  it('exports the documented fields only: fields the platform adds later stay inside', async () => {
    const other = await createAccount('json-fields');
    await (await database()).collection('contactactivities').insertOne({
      _id: new ObjectId(),
      accountId: other.accountId,
      cID: 'c1',
      action: 'open',
      time: new Date('2019-03-22T10:00:00Z'),
      internalScore: 0.93,
      deliveryIp: '10.1.2.3',
      abTestBucket: 'B',
      properties: { sku: 'x' },
    });
    const job = await runExport(other.key, { exportType: 'json' });
    const [line] = parseNdjson((await downloadAll(other.key, job))[0].text);
    expect(Object.keys(line).sort()).toEqual(['_id', 'action', 'cID', 'properties', 'time']);
  });

  it('writes any label as the key it is, __proto__ and constructor included', async () => {
    const job = await runExport(key, {
      exportType: 'json',
      selected_action_name: 'bounce',
      columnHeaders: [
        { name: '_id', label: '__proto__' },
        { name: 'action', label: 'constructor' },
        { name: 'cID', label: 'toString' },
      ],
    });
    const text = (await downloadAll(key, job))[0].text;
    const first = JSON.parse(text.split('\n')[0]) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(first.constructor).toBe('bounce');
    expect(job.completedItems).toBe(activities.filter((a) => a.action === 'bounce').length);
    expect(accountId).toBeDefined();
  });
});

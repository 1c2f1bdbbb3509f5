import { runExport } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { expectedCell, parseCsv, parseNdjson, readPath } from '../support/files';
import {
  asExported,
  closeDatabase,
  createAccount,
  exportOrder,
  insertActivities,
  makeActivities,
  TestActivity,
} from '../support/fixtures';
import { TEST_STACK_ENV } from '../support/test-stack';

describe('output options', () => {
  let key: string;
  let activities: TestActivity[];

  beforeAll(async () => {
    const account = await createAccount('output');
    key = account.key;
    activities = makeActivities(account.accountId, 1_200, 31);
    await insertActivities(activities);
  });
  afterAll(closeDatabase);

  it('showAllProperties adds one column per system property key, the same in every chunk', async () => {
    const bounces = exportOrder(activities.filter((a) => a.action === 'bounce'));
    const keys = [...new Set(bounces.flatMap((a) => Object.keys(a.system_properties ?? {})))].sort();
    expect(keys).toEqual(['bt', 'desc']);
    const job = await runExport(key, {
      name: 'bounces-all',
      exportType: 'csv',
      selected_action_name: 'bounce',
      showAllProperties: true,
      limitRecordsPerFile: 20,
      columnHeaders: [
        { name: 'cID', label: 'Contact' },
        { name: 'sp.bt', label: 'Bounce type' },
      ],
    });
    expect(job.status).toBe('done');
    const header = ['Contact', 'Bounce type', 'system_properties.desc'];
    const rows = (await downloadAll(key, job)).flatMap((file) => {
      const [first, ...body] = parseCsv(file.text);
      expect(first).toEqual(header);
      return body;
    });
    expect(rows).toEqual(
      bounces.map((a) => [a.cID, String(a.system_properties?.bt ?? ''), expectedCell(a.system_properties?.desc)]),
    );
  });

  it('escapeFormulas protects cells a spreadsheet would run, and only when asked', async () => {
    const columnHeaders = [{ name: 'message_name', label: 'Message' }];
    const plain = await runExport(key, {
      exportType: 'csv',
      showHeader: false,
      columnHeaders,
      selected_action_name: 'open',
    });
    const safe = await runExport(key, {
      exportType: 'csv',
      showHeader: false,
      columnHeaders,
      selected_action_name: 'open',
      escapeFormulas: true,
    });
    const opens = exportOrder(activities.filter((a) => a.action === 'open'));
    expect(opens.some((a) => a.message_name === '=1+2')).toBe(true);
    const plainCells = parseCsv((await downloadAll(key, plain))[0].text).map((row) => row[0]);
    const safeCells = parseCsv((await downloadAll(key, safe))[0].text).map((row) => row[0]);
    expect(plainCells).toEqual(opens.map((a) => expectedCell(a.message_name)));
    expect(safeCells).toEqual(opens.map((a) => (a.message_name === '=1+2' ? "'=1+2" : expectedCell(a.message_name))));
  });

  it('escapeFormulas defuses formula-like header labels too', async () => {
    const columnHeaders = [
      { name: 'cID', label: '=HYPERLINK("http://x.example","click")' },
      { name: 'action', label: '@Action' },
      { name: 'email', label: 'Email' },
    ];
    const job = await runExport(key, {
      exportType: 'csv',
      columnHeaders,
      selected_action_name: 'open',
      escapeFormulas: true,
    });
    const [header] = parseCsv((await downloadAll(key, job))[0].text);
    expect(header).toEqual(['\'=HYPERLINK("http://x.example","click")', "'@Action", 'Email']);
  });

  it('fails an export that would make more files than a job may have, once counted and before any file', async () => {
    const max = Number(TEST_STACK_ENV.MAX_FILES_PER_JOB);
    const job = await runExport(key, {
      exportType: 'csv',
      limitRecordsPerFile: Math.floor(activities.length / (max + 1)),
    });
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('TOO_MANY_FILES');
    expect(job.error?.message).toMatch(/set limitRecordsPerFile to \d+ or more/);
    expect(job.files).toEqual([]);
  });

  it('accepts exportType in any case and gzips a single file', async () => {
    const job = await runExport(key, { name: 'whole-gz', exportType: 'Json', compress: true });
    expect(job.files.map((f) => f.name)).toEqual(['whole-gz.json.gz']);
    const [file] = await downloadAll(key, job);
    expect(parseNdjson(file.text)).toEqual(exportOrder(activities).map(asExported));
  });

  it('writes labelled JSON values with their types and null for missing ones', async () => {
    const job = await runExport(key, {
      exportType: 'json',
      selected_action_name: 'custom',
      columnHeaders: [
        { name: 'properties.price', label: 'price' },
        { name: 'properties.nested', label: 'nested' },
        { name: 'bmID', label: 'msID' },
      ],
    });
    const lines = parseNdjson((await downloadAll(key, job))[0].text);
    const purchases = exportOrder(
      activities.filter((a) => a.action === 'purchase' || a.action === 'product_viewed'),
    ).map(asExported);
    expect(lines).toEqual(
      purchases.map((p) => ({
        price: readPath(p, 'properties.price'),
        nested: readPath(p, 'properties.nested'),
        msID: null,
      })),
    );
  });
});

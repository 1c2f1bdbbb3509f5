import { randomBytes } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { runExport } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { parseCsv, parseNdjson } from '../support/files';
import { closeDatabase, createAccount, insertActivities, TestActivity } from '../support/fixtures';

/** Values that break naive writers and readers of CSV and JSON, one activity each. */
const HOSTILE: Record<string, string> = {
  delimiters: 'a,b;c\td|e',
  quotes: 'say "hi", "bye"',
  newlines: 'one\ntwo\r\nthree\rfour',
  nul: 'before\u0000after',
  loneHighSurrogate: 'high \ud800 alone',
  loneLowSurrogate: 'low \udc00 alone',
  pairedSurrogates: 'emoji 👩‍💻 ok',
  bom: '\ufeffstarts with a BOM',
  formulaEquals: '=HYPERLINK("http://evil","x")',
  formulaPlus: '+1+2',
  formulaMinus: '-3',
  formulaAt: '@SUM(A1)',
  formulaTab: '\t=1',
  backslashes: 'C:\\path\\to\\"file"',
  controlChars: 'bell\u0007esc\u001b',
  lineSeparators: 'ls\u2028ps\u2029',
  veryLong: 'x'.repeat(2_000_000),
};

/**
 * What the database gives back. MongoDB strings are UTF-8: the driver writes a lone surrogate as U+FFFD
 * (documented in the README), so that is what an export can contain. Everything else is kept as it is.
 */
const stored = (value: string) =>
  value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

describe('activity data hostile to formats', () => {
  let key: string;
  let activities: TestActivity[];

  beforeAll(async () => {
    const account = await createAccount('hostile-data');
    key = account.key;
    const base = Date.UTC(2019, 2, 25);
    activities = Object.entries(HOSTILE).map(([kind, value], i) => ({
      _id: new ObjectId(),
      accountId: account.accountId,
      cID: `cid-${kind}`,
      action: 'open',
      time: new Date(base + i * 1_000),
      bmID: 'bm-1',
      message_name: value,
      properties: { [`ключ ${kind}`]: value, nested: { list: [value, 1] } },
    }));
    await insertActivities(activities);
  });
  afterAll(closeDatabase);

  const columnHeaders = [
    { name: 'cID', label: 'Contact' },
    { name: 'message_name', label: 'Message' },
  ];

  it('CSV: every value survives a standard parser, cell for cell', async () => {
    const job = await runExport(key, { name: 'hostile', exportType: 'csv', columnHeaders });
    expect(job).toMatchObject({ status: 'done', totalItems: activities.length });
    const [header, ...rows] = parseCsv((await downloadAll(key, job))[0].text);
    expect(header).toEqual(['Contact', 'Message']);
    expect(rows).toEqual(activities.map((a) => [a.cID, stored(a.message_name!)]));
  });

  it('CSV with escapeFormulas: formula-like cells are defused, the rest untouched', async () => {
    const job = await runExport(key, { exportType: 'csv', columnHeaders, escapeFormulas: true, showHeader: false });
    const rows = parseCsv((await downloadAll(key, job))[0].text);
    const formula = /^[=+\-@\t\r]/;
    expect(rows).toEqual(
      activities.map((a) => {
        const value = stored(a.message_name!);
        return [a.cID, formula.test(value) ? `'${value}` : value];
      }),
    );
    expect(rows.filter(([, cell]) => cell.startsWith("'")).length).toBe(5);
  });

  it('JSON: every line parses back to the stored values, nested and unicode keys included', async () => {
    const job = await runExport(key, { name: 'hostile', exportType: 'json', compress: true });
    const lines = parseNdjson((await downloadAll(key, job))[0].text);
    expect(lines).toHaveLength(activities.length);
    lines.forEach((line, i) => {
      const [kind, value] = Object.entries(HOSTILE)[i];
      expect(line).toMatchObject({
        cID: `cid-${kind}`,
        message_name: stored(value),
        properties: { [`ключ ${kind}`]: stored(value), nested: { list: [stored(value), 1] } },
      });
    });
  });

  it('fails an export with a record too large for the broker clearly, at once', async () => {
    const account = await createAccount('too-large');
    // 12 MB of random base64 still takes ~9 MB gzipped: over the broker's 8 MiB message.max.bytes.
    await insertActivities([
      {
        _id: new ObjectId(),
        accountId: account.accountId,
        cID: 'cid-huge',
        action: 'open',
        time: new Date(Date.UTC(2019, 2, 25)),
        message_name: randomBytes(9_000_000).toString('base64'),
      },
    ]);
    const job = await runExport(account.key, { exportType: 'json' });
    expect(job).toMatchObject({ status: 'failed', error: { code: 'MESSAGE_TOO_LARGE' } });
    expect(job.error?.message).toMatch(/larger than/);
  });
});

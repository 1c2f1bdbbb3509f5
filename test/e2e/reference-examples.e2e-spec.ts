import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectId } from 'mongodb';
import { api, runExport } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { parseCsv, parseNdjson } from '../support/files';
import {
  asExported,
  closeDatabase,
  createAccount,
  exportOrder,
  insertActivities,
  makeActivities,
  TestActivity,
} from '../support/fixtures';
import { ROOT } from '../support/test-stack';

/**
 * The five example requests of the reference, verbatim: the file the gateway's OpenAPI document shows them from
 * (read, not imported: the suites import no project code).
 */
const EXAMPLES: Record<string, Record<string, unknown>> = Object.fromEntries(
  Object.entries(
    JSON.parse(readFileSync(join(ROOT, 'apps/api-gateway/src/exports/reference-requests.json'), 'utf8')) as Record<
      string,
      { value: Record<string, unknown> }
    >,
  ).map(([name, example]) => [name, example.value]),
);

const internal = (example: Record<string, unknown>) => ({ ...example, destination: { type: 'aws' } });
const inMarch = (a: TestActivity) =>
  a.time.getTime() >= Date.parse('2019-03-24T00:00:00.000Z') &&
  a.time.getTime() <= Date.parse('2019-03-25T23:59:59.999Z');

describe("the reference's example requests", () => {
  let key: string;
  let activities: TestActivity[];

  beforeAll(async () => {
    const account = await createAccount('reference');
    key = account.key;
    activities = makeActivities(account.accountId, 2_000, 51);
    // February 2018 bounces for the last example, one with every field it asks for.
    const bounces: TestActivity[] = Array.from({ length: 12 }, (_, i) => ({
      _id: new ObjectId(),
      accountId: account.accountId,
      cID: `cid-${i}`,
      email: `b${i}@example.com`,
      action: 'bounce',
      time: new Date(Date.UTC(2018, 1, 2 + i, 10)),
      bmID: `45:5a7d2a3cc7280b410:ot`,
      mcID: `mc-b${i}`,
      first: i % 2 === 0,
      message_name: 'Winter sale',
      system_properties: { bt: i % 2 ? 'soft' : 'hard', link: 'k', rl: 'https://x.example.com/r' },
      properties: i === 0 ? { custom_per_client_and_not_required: 'yes' } : undefined,
    }));
    activities.push(...bounces);
    await insertActivities(activities);
  });
  afterAll(closeDatabase);

  it('accepts every example as written', async () => {
    // Their hosts and buckets (ftp.example.com, my_bucket, bucketname) do not exist here: those jobs fail at delivery.
    // The destinations suite runs the same requests against real local servers.
    for (const name of Object.keys(EXAMPLES)) {
      const response = await api('POST', '/v2/contactactivityexport', { key, body: EXAMPLES[name] });
      expect({ name, status: response.status }).toEqual({ name, status: 202 });
    }
  });

  it('example 1: batch message-sent of March 24-25 as CSV in internal storage', async () => {
    const job = await runExport(key, EXAMPLES.internalCsv);
    const expected = exportOrder(activities.filter((a) => inMarch(a) && a.action === 'message-sent' && a.bmID));
    expect(job.files.map((f) => [f.name, f.records])).toEqual([['activities_batch_march25.csv', expected.length]]);
    const rows = parseCsv((await downloadAll(key, job))[0].text);
    expect(rows.slice(1).map((row) => row[0])).toEqual(expected.map((a) => a._id.toHexString()));
  });

  it('example 2 (internal variant): sends, opens and clicks of batch messages', async () => {
    const job = await runExport(key, internal(EXAMPLES.ftpCsv));
    const expected = exportOrder(
      activities.filter((a) => inMarch(a) && ['message-sent', 'open', 'click'].includes(a.action) && a.bmID),
    );
    expect(job.files.map((f) => [f.name, f.records])).toEqual([['batch-30days.csv', expected.length]]);
  });

  it('example 4 (internal variant): the Action, Contact Email and Contact ID columns', async () => {
    const job = await runExport(key, internal(EXAMPLES.gcsCsvWithColumns));
    const expected = exportOrder(activities.filter((a) => inMarch(a) && a.action === 'message-sent' && a.bmID));
    const rows = parseCsv((await downloadAll(key, job))[0].text);
    expect(rows).toEqual([
      ['Action', 'Contact Email', 'Contact ID'],
      ...expected.map((a) => [a.action, a.email ?? '', a.cID]),
    ]);
  });

  it('example 5 (internal variant): February 2018 bounces as JSON lines with the listed labels', async () => {
    const job = await runExport(key, internal(EXAMPLES.ftpJsonBounces));
    const lines = parseNdjson((await downloadAll(key, job))[0].text);
    const bounces = exportOrder(
      activities.filter((a) => a.action === 'bounce' && a.time.getUTCFullYear() === 2018),
    ).map(asExported);
    expect(lines).toHaveLength(12);
    expect(lines[0]).toEqual({
      _id: bounces[0]._id,
      action: 'bounce',
      email: 'b0@example.com',
      cID: 'cid-0',
      msID: '45:5a7d2a3cc7280b410:ot',
      mcID: 'mc-b0',
      mdtID: null,
      time: '2018-02-02T10:00:00.000Z',
      first: true,
      message_name: 'Winter sale',
      system_properties_bt: 'hard',
      system_properties_link_key: 'k',
      system_properties_redirect_link: 'https://x.example.com/r',
      properties_custom_per_client_and_not_required: 'yes',
    });
    expect(lines.map((line) => line._id)).toEqual(bounces.map((b) => b._id));
  });
});

import { api, runExport } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { parseNdjson } from '../support/files';
import {
  asExported,
  closeDatabase,
  createAccount,
  exportOrder,
  insertActivities,
  insertAudience,
  insertContacts,
  makeActivities,
  TestActivity,
  TestContact,
} from '../support/fixtures';

const STANDARD = ['message-sent', 'open', 'click', 'optout', 'bounce', 'complaint'];

/**
 * Every filter of the reference, alone and combined, against an independently computed expectation: the test
 * filters the inserted activities itself and compares whole records, in order.
 */
describe('export filters', () => {
  let key: string;
  let accountId: string;
  let activities: TestActivity[];
  let contacts: TestContact[];

  beforeAll(async () => {
    ({ key, accountId } = await createAccount('filters'));
    activities = makeActivities(accountId, 1_500, 21);
    await insertActivities(activities);
    contacts = await insertContacts(accountId);
    await insertAudience(accountId, 'vip_members', { tier: 'vip' });
    await insertAudience(accountId, 'lyon_over_40', { $and: [{ city: 'Lyon' }, { age: { $gt: 40 } }] });
  });
  afterAll(closeDatabase);

  async function exported(request: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    const job = await runExport(key, { exportType: 'json', ...request });
    expect(job.status).toBe('done');
    const lines = (await downloadAll(key, job)).flatMap((file) => parseNdjson(file.text));
    expect(job.totalItems).toBe(lines.length);
    return lines;
  }
  const expectedOf = (keep: (a: TestActivity) => boolean) => exportOrder(activities.filter(keep)).map(asExported);
  const inRange = (a: TestActivity, from: string, to: string) =>
    a.time.getTime() >= Date.parse(from) && a.time.getTime() <= Date.parse(to);

  it('selected_message_type automation selects activities carrying mdtID', async () => {
    expect(await exported({ selected_message_type: 'automation' })).toEqual(expectedOf((a) => a.mdtID !== undefined));
  });

  it('selected_message_id matches bmID or mdtID', async () => {
    expect(await exported({ selected_message_id: 'bm-1' })).toEqual(expectedOf((a) => a.bmID === 'bm-1'));
    expect(await exported({ selected_message_id: 'mdt-2' })).toEqual(expectedOf((a) => a.mdtID === 'mdt-2'));
  });

  it('selected_action_name custom selects every non-standard action', async () => {
    const lines = await exported({ selected_action_name: 'custom' });
    expect(lines).toEqual(expectedOf((a) => !STANDARD.includes(a.action)));
    expect(lines.length).toBeGreaterThan(0);
  });

  it.each([
    ['a cID', 'cid-7'],
    ['an email', 'contact-7@example.com'],
    ['a secondary identifier', '+155500007'],
  ])("selected_contact by %s exports that contact's activities", async (_kind, identifier) => {
    const lines = await exported({ selected_contact: identifier });
    expect(lines).toEqual(expectedOf((a) => a.cID === 'cid-7'));
    expect(lines.length).toBeGreaterThan(0);
  });

  it('an unknown selected_contact gives an empty export, not an error', async () => {
    expect(await exported({ selected_contact: 'nobody@example.com' })).toEqual([]);
  });

  it("selected_audience_key exports the activities of the audience's contacts", async () => {
    const vips = new Set(contacts.filter((c) => c.attributes.tier === 'vip').map((c) => c.cID));
    expect(await exported({ selected_audience_key: 'vip_members' })).toEqual(expectedOf((a) => vips.has(a.cID)));
  });

  it('combines every filter with AND', async () => {
    const members = new Set(
      contacts.filter((c) => c.attributes.city === 'Lyon' && (c.attributes.age as number) > 40).map((c) => c.cID),
    );
    const from = '2019-03-21T00:00:00.000Z';
    const to = '2019-03-28T23:59:59.999Z';
    const lines = await exported({
      selected_audience_key: 'lyon_over_40',
      selected_action_names: ['open', 'click', 'message-sent'],
      selected_message_type: 'batch',
      selected_timeframe_start: from,
      selected_timeframe_end: to,
    });
    const expected = expectedOf(
      (a) =>
        members.has(a.cID) &&
        ['open', 'click', 'message-sent'].includes(a.action) &&
        a.bmID !== undefined &&
        inRange(a, from, to),
    );
    expect(lines).toEqual(expected);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('combines contact, message id and custom actions', async () => {
    const lines = await exported({ selected_contact: 'cid-3', selected_action_names: ['custom', 'bounce'] });
    expect(lines).toEqual(
      expectedOf((a) => a.cID === 'cid-3' && (a.action === 'bounce' || !STANDARD.includes(a.action))),
    );
  });

  it('refuses an unknown audience key at request time, creating no job', async () => {
    const response = await api<{ fields: { field: string }[] }>('POST', '/v2/contactactivityexport', {
      key,
      body: { exportType: 'csv', selected_audience_key: 'no_such_audience' },
    });
    expect(response.status).toBe(400);
    expect(response.body.fields.map((f) => f.field)).toEqual(['selected_audience_key']);
    const list = await api<{ items: { request: Record<string, unknown> }[] }>('GET', '/v2/jobs?limit=200', { key });
    expect(list.body.items.some((job) => job.request.selected_audience_key === 'no_such_audience')).toBe(false);
  });
});

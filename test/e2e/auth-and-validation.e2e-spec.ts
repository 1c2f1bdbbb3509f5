import { api } from '../support/api';
import { closeDatabase, createAccount, database } from '../support/fixtures';

const valid = { exportType: 'csv', name: 'ok-export' };

describe('authentication and validation', () => {
  let key: string;
  let accountId: string;

  beforeAll(async () => {
    ({ key, accountId } = await createAccount('auth'));
  });
  afterAll(closeDatabase);

  const jobsOfAccount = async () => (await database()).collection('jobs').countDocuments({ accountId });

  it.each([
    ['no key', undefined],
    ['an unknown key', 'key-does-not-exist'],
    ['an empty key', ''],
  ])('answers 401 with a JSON error for %s, and creates nothing', async (_case, badKey) => {
    const response = await api('POST', '/v2/contactactivityexport', { key: badKey, body: valid });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect(await jobsOfAccount()).toBe(0);
    expect((await api('GET', '/v2/jobs', { key: badKey })).status).toBe(401);
  });

  it('refuses a revoked key at once', async () => {
    const revoked = await createAccount('revoked');
    expect((await api('GET', '/v2/jobs', { key: revoked.key })).status).toBe(200);
    await (
      await database()
    )
      .collection('api_keys')
      .updateOne({ accountId: revoked.accountId }, { $set: { revokedAt: new Date() } });
    expect((await api('GET', '/v2/jobs', { key: revoked.key })).status).toBe(401);
  });

  it.each([
    ['0', 0],
    ['an empty string', ''],
    ['false', false],
    ['a date', new Date()],
    ['a string', 'yes'],
  ])('treats a key whose revokedAt is %s as revoked (anything but absent or null)', async (_case, revokedAt) => {
    const revoked = await createAccount('revoked-odd');
    await (
      await database()
    )
      .collection('api_keys')
      .updateOne({ accountId: revoked.accountId }, { $set: { revokedAt } });
    expect((await api('GET', '/v2/jobs', { key: revoked.key })).status).toBe(401);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['missing exportType', { name: 'x' }, ['exportType']],
    ['unknown exportType', { exportType: 'xml' }, ['exportType']],
    ['name with path characters', { ...valid, name: '../etc/passwd' }, ['name']],
    ['unknown action', { ...valid, selected_action_name: 'opened' }, ['selected_action_name']],
    ['bad date', { ...valid, selected_timeframe_start: '2019-13-45' }, ['selected_timeframe_start']],
    [
      'end before start',
      { ...valid, selected_timeframe_start: '2019-03-25T00:00:00Z', selected_timeframe_end: '2019-03-24T00:00:00Z' },
      ['selected_timeframe_end'],
    ],
    ['non-positive limit', { ...valid, limitRecordsPerFile: 0 }, ['limitRecordsPerFile']],
    ['string boolean', { ...valid, compress: 'true' }, ['compress']],
    [
      'ftp without credentials',
      { ...valid, destination: { type: 'ftp', server: 'h' } },
      ['destination.port', 'destination.username', 'destination.password', 'destination.path'],
    ],
    [
      'malformed columnHeaders',
      { ...valid, columnHeaders: [{ name: 'a b' }] },
      ['columnHeaders.0.name', 'columnHeaders.0.label'],
    ],
    ['unknown field', { ...valid, selected_action_nmae: 'open' }, ['selected_action_nmae']],
    [
      'several problems at once',
      { exportType: 'pdf', limitRecordsPerFile: -1, showHeader: 'yes' },
      ['exportType', 'limitRecordsPerFile', 'showHeader'],
    ],
  ])('answers 400 naming the field for %s, and creates no job', async (_case, body, fields) => {
    const response = await api<{ code: string; fields: { field: string; reasons: string[] }[] }>(
      'POST',
      '/v2/contactactivityexport',
      { key, body },
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.fields.map((f) => f.field).sort()).toEqual([...fields].sort());
    for (const field of response.body.fields) expect(field.reasons.length).toBeGreaterThan(0);
    expect(await jobsOfAccount()).toBe(0);
  });

  it('answers 400 for malformed JSON, 413 for a huge body, 415 for another content type', async () => {
    const malformed = await api('POST', '/v2/contactactivityexport', { key, body: '{"exportType": "csv",' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'MALFORMED_JSON' });
    const huge = await api('POST', '/v2/contactactivityexport', { key, body: { ...valid, name: 'x'.repeat(400_000) } });
    expect(huge.status).toBe(413);
    const form = await api('POST', '/v2/contactactivityexport', {
      key,
      body: 'exportType=csv',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect(await jobsOfAccount()).toBe(0);
  });
});

import { api } from '../support/api';
import { closeDatabase, createAccount, database } from '../support/fixtures';

const ok = { exportType: 'csv' };
const ftp = { type: 'ftp', server: 'ftp.example.com', port: 21, username: 'u', password: 'p', path: './' };
const s3 = { type: 's3', aws_access_key_id: 'A', aws_secret_access_key: 'B', aws_bucket: 'b', aws_region: 'us-west-2', path: 'folder' };

/** [case, body, the fields the 400 must name]. Every body here must be refused and must create nothing. */
const CORPUS: [string, unknown, string[]][] = [
  ['empty object', {}, ['exportType']],
  ['exportType null', { exportType: null }, ['exportType']],
  ['exportType number', { exportType: 1 }, ['exportType']],
  ['exportType xml', { exportType: 'xml' }, ['exportType']],
  ['exportType array', { exportType: ['csv'] }, ['exportType']],
  ['name with slash', { ...ok, name: 'a/b' }, ['name']],
  ['name with dots', { ...ok, name: '..' }, ['name']],
  ['name with space', { ...ok, name: 'my export' }, ['name']],
  ['name empty', { ...ok, name: '' }, ['name']],
  ['name too long', { ...ok, name: 'n'.repeat(129) }, ['name']],
  ['name number', { ...ok, name: 42 }, ['name']],
  ['name with NUL', { ...ok, name: 'a\u0000b' }, ['name']],
  ['start not a date', { ...ok, selected_timeframe_start: 'yesterday' }, ['selected_timeframe_start']],
  ['start impossible date', { ...ok, selected_timeframe_start: '2019-02-30T00:00:00Z' }, ['selected_timeframe_start']],
  ['end not a date', { ...ok, selected_timeframe_end: '2019/03/25' }, ['selected_timeframe_end']],
  ['start as number', { ...ok, selected_timeframe_start: 1553385600000 }, ['selected_timeframe_start']],
  ['end before start', { ...ok, selected_timeframe_start: '2019-03-25T00:00:00Z', selected_timeframe_end: '2019-03-24T23:59:59Z' }, ['selected_timeframe_end']],
  ['action unknown', { ...ok, selected_action_name: 'delivered' }, ['selected_action_name']],
  ['action wrong case', { ...ok, selected_action_name: 'OPEN' }, ['selected_action_name']],
  ['action as array', { ...ok, selected_action_name: ['open'] }, ['selected_action_name']],
  ['actions not an array', { ...ok, selected_action_names: 'open' }, ['selected_action_names']],
  ['actions empty', { ...ok, selected_action_names: [] }, ['selected_action_names']],
  ['actions with unknown', { ...ok, selected_action_names: ['open', 'nope'] }, ['selected_action_names']],
  ['actions with number', { ...ok, selected_action_names: [1] }, ['selected_action_names']],
  ['message type unknown', { ...ok, selected_message_type: 'transactional' }, ['selected_message_type']],
  ['message id empty', { ...ok, selected_message_id: '' }, ['selected_message_id']],
  ['message id number', { ...ok, selected_message_id: 45 }, ['selected_message_id']],
  ['showAllProperties string', { ...ok, showAllProperties: 'true' }, ['showAllProperties']],
  ['showHeader number', { ...ok, showHeader: 1 }, ['showHeader']],
  ['compress string', { ...ok, compress: 'false' }, ['compress']],
  ['limit zero', { ...ok, limitRecordsPerFile: 0 }, ['limitRecordsPerFile']],
  ['limit negative', { ...ok, limitRecordsPerFile: -10 }, ['limitRecordsPerFile']],
  ['limit fraction', { ...ok, limitRecordsPerFile: 10.5 }, ['limitRecordsPerFile']],
  ['limit absurd', { ...ok, limitRecordsPerFile: 1e12 }, ['limitRecordsPerFile']],
  ['limit string', { ...ok, limitRecordsPerFile: '500' }, ['limitRecordsPerFile']],
  ['contact empty', { ...ok, selected_contact: '' }, ['selected_contact']],
  ['contact object', { ...ok, selected_contact: { cID: 'x' } }, ['selected_contact']],
  ['audience number', { ...ok, selected_audience_key: 7 }, ['selected_audience_key']],
  ['confirmEmail not an email', { ...ok, confirmEmail: 'msmith' }, ['confirmEmail']],
  ['confirmEmail with header injection', { ...ok, confirmEmail: 'a@example.com\r\nBcc: x@example.com' }, ['confirmEmail']],
  ['destination not an object', { ...ok, destination: 'ftp' }, ['destination']],
  ['destination type unknown', { ...ok, destination: { type: 'dropbox' } }, ['destination.type']],
  ['destination type missing', { ...ok, destination: {} }, ['destination.type']],
  ['ftp without server', { ...ok, destination: { ...ftp, server: undefined } }, ['destination.server']],
  ['ftp port string', { ...ok, destination: { ...ftp, port: '21' } }, ['destination.port']],
  ['ftp port out of range', { ...ok, destination: { ...ftp, port: 70000 } }, ['destination.port']],
  ['sftp without password', { ...ok, destination: { ...ftp, type: 'sftp', password: undefined } }, ['destination.password']],
  ['sftp without path', { ...ok, destination: { ...ftp, type: 'sftp', path: undefined } }, ['destination.path']],
  ['s3 without secret', { ...ok, destination: { ...s3, aws_secret_access_key: undefined } }, ['destination.aws_secret_access_key']],
  ['s3 without bucket and region', { ...ok, destination: { ...s3, aws_bucket: undefined, aws_region: undefined } }, ['destination.aws_bucket', 'destination.aws_region']],
  ['gcs without bucket', { ...ok, destination: { type: 'gcs', path: '/x' } }, ['destination.gcs_bucket']],
  ['destination unknown field', { ...ok, destination: { type: 'aws', endpoint: 'http://169.254.169.254' } }, ['destination.endpoint']],
  ['columnHeaders not an array', { ...ok, columnHeaders: { name: 'a', label: 'b' } }, ['columnHeaders']],
  ['column without label', { ...ok, columnHeaders: [{ name: 'cID' }] }, ['columnHeaders.0.label']],
  ['column name with space', { ...ok, columnHeaders: [{ name: 'c ID', label: 'x' }] }, ['columnHeaders.0.name']],
  ['column name __proto__', { ...ok, columnHeaders: [{ name: '__proto__.polluted', label: 'x' }] }, ['columnHeaders.0.name']],
  ['column label empty', { ...ok, columnHeaders: [{ name: 'cID', label: '' }] }, ['columnHeaders.0.label']],
  ['column entry not an object', { ...ok, columnHeaders: ['cID'] }, ['columnHeaders.0']],
  ['too many columns', { ...ok, columnHeaders: Array.from({ length: 501 }, (_, i) => ({ name: `f${i}`, label: `f${i}` })) }, ['columnHeaders']],
  ['unknown top-level field', { ...ok, selected_campaign: 'x' }, ['selected_campaign']],
  ['__proto__ key', JSON.parse('{"exportType":"csv","__proto__":{"admin":true}}'), ['__proto__']],
  ['escapeFormulas string', { ...ok, escapeFormulas: 'yes' }, ['escapeFormulas']],
];

describe('invalid requests', () => {
  let key: string;
  let accountId: string;

  beforeAll(async () => {
    ({ key, accountId } = await createAccount('invalid'));
  });
  afterAll(closeDatabase);

  it('has a corpus of at least 50 cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CORPUS)('%s: 400 naming the field, no job', async (_case, body, fields) => {
    const response = await api<{ statusCode: number; code: string; message: string; fields: { field: string; reasons: string[] }[] }>(
      'POST', '/v2/contactactivityexport', { key, body },
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.fields.map((f) => f.field).sort()).toEqual([...fields].sort());
    for (const field of response.body.fields) expect(field.reasons.join(' ')).toMatch(/\w/);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.js:\d+/);
    expect(await (await database()).collection('jobs').countDocuments({ accountId })).toBe(0);
  });

  it.each([
    ['a JSON array', '[{"exportType":"csv"}]'],
    ['a JSON string', '"csv"'],
    ['null', 'null'],
  ])('refuses %s as the body', async (_case, raw) => {
    const response = await api('POST', '/v2/contactactivityexport', { key, body: raw });
    expect(response.status).toBe(400);
    expect(await (await database()).collection('jobs').countDocuments({ accountId })).toBe(0);
  });
});

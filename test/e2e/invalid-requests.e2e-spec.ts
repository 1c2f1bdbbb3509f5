import { api } from '../support/api';
import { closeDatabase, createAccount, database } from '../support/fixtures';

const ok = { exportType: 'csv' };
const ftp = { type: 'ftp', server: 'ftp.example.com', port: 21, username: 'u', password: 'p', path: './' };
const sftp = { ...ftp, type: 'sftp' };
const s3 = {
  type: 's3',
  aws_access_key_id: 'A',
  aws_secret_access_key: 'B',
  aws_bucket: 'bucket',
  aws_region: 'us-west-2',
  path: 'folder',
};
const gcs = { type: 'gcs', gcs_bucket: 'bucket-name', path: '/x' };
/** An object nested `depth` levels deep, built without recursion. */
const nested = (depth: number) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

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
  [
    'end before start',
    { ...ok, selected_timeframe_start: '2019-03-25T00:00:00Z', selected_timeframe_end: '2019-03-24T23:59:59Z' },
    ['selected_timeframe_end'],
  ],
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
  [
    'confirmEmail with header injection',
    { ...ok, confirmEmail: 'a@example.com\r\nBcc: x@example.com' },
    ['confirmEmail'],
  ],
  ['destination not an object', { ...ok, destination: 'ftp' }, ['destination']],
  ['destination type unknown', { ...ok, destination: { type: 'dropbox' } }, ['destination.type']],
  ['destination type missing', { ...ok, destination: {} }, ['destination.type']],
  ['ftp without server', { ...ok, destination: { ...ftp, server: undefined } }, ['destination.server']],
  ['ftp port string', { ...ok, destination: { ...ftp, port: '21' } }, ['destination.port']],
  ['ftp port out of range', { ...ok, destination: { ...ftp, port: 70000 } }, ['destination.port']],
  [
    'sftp without password',
    { ...ok, destination: { ...ftp, type: 'sftp', password: undefined } },
    ['destination.password'],
  ],
  ['sftp without path', { ...ok, destination: { ...ftp, type: 'sftp', path: undefined } }, ['destination.path']],
  [
    's3 without secret',
    { ...ok, destination: { ...s3, aws_secret_access_key: undefined } },
    ['destination.aws_secret_access_key'],
  ],
  [
    's3 without bucket and region',
    { ...ok, destination: { ...s3, aws_bucket: undefined, aws_region: undefined } },
    ['destination.aws_bucket', 'destination.aws_region'],
  ],
  ['gcs without bucket', { ...ok, destination: { type: 'gcs', path: '/x' } }, ['destination.gcs_bucket']],
  [
    'destination unknown field',
    { ...ok, destination: { type: 'aws', endpoint: 'http://169.254.169.254' } },
    ['destination.endpoint'],
  ],
  ['columnHeaders not an array', { ...ok, columnHeaders: { name: 'a', label: 'b' } }, ['columnHeaders']],
  ['column without label', { ...ok, columnHeaders: [{ name: 'cID' }] }, ['columnHeaders.0.label']],
  ['column name with space', { ...ok, columnHeaders: [{ name: 'c ID', label: 'x' }] }, ['columnHeaders.0.name']],
  [
    'column name __proto__',
    { ...ok, columnHeaders: [{ name: '__proto__.polluted', label: 'x' }] },
    ['columnHeaders.0.name'],
  ],
  ['column label empty', { ...ok, columnHeaders: [{ name: 'cID', label: '' }] }, ['columnHeaders.0.label']],
  ['column entry not an object', { ...ok, columnHeaders: ['cID'] }, ['columnHeaders']],
  [
    'too many columns',
    { ...ok, columnHeaders: Array.from({ length: 501 }, (_, i) => ({ name: `f${i}`, label: `f${i}` })) },
    ['columnHeaders'],
  ],
  ['unknown top-level field', { ...ok, selected_campaign: 'x' }, ['selected_campaign']],
  ['__proto__ key', JSON.parse('{"exportType":"csv","__proto__":{"admin":true}}'), ['__proto__']],
  ['escapeFormulas string', { ...ok, escapeFormulas: 'yes' }, ['escapeFormulas']],
  // Control characters in destination fields (CR/LF would inject FTP commands).
  [
    'ftp path with an FTP command',
    { ...ok, destination: { ...ftp, path: '/upload\r\nDELE /important-file.txt' } },
    ['destination.path'],
  ],
  [
    'ftp username with an FTP command',
    { ...ok, destination: { ...ftp, username: 'u\r\nSITE CHMOD 777 /x' } },
    ['destination.username'],
  ],
  ['ftp password with LF', { ...ok, destination: { ...ftp, password: 'p\nDELE x' } }, ['destination.password']],
  ['sftp server with NUL', { ...ok, destination: { ...sftp, server: 'a\u0000b' } }, ['destination.server']],
  ['sftp path with DEL', { ...ok, destination: { ...sftp, path: '/up\u007fload' } }, ['destination.path']],
  ['s3 path with CR', { ...ok, destination: { ...s3, path: 'folder\rx' } }, ['destination.path']],
  [
    's3 access key with tab',
    { ...ok, destination: { ...s3, aws_access_key_id: 'A\tB' } },
    ['destination.aws_access_key_id'],
  ],
  [
    's3 secret with C1 control',
    { ...ok, destination: { ...s3, aws_secret_access_key: 'B\u0085' } },
    ['destination.aws_secret_access_key'],
  ],
  ['gcs path with LF', { ...ok, destination: { ...gcs, path: '/x\ny' } }, ['destination.path']],
  // Bucket names and regions by Google's and AWS's rules (they go into URLs and host names).
  [
    'gcs bucket with a query string',
    { ...ok, destination: { ...gcs, gcs_bucket: 'victim-bucket/o?predefinedAcl=publicRead&x=' } },
    ['destination.gcs_bucket'],
  ],
  [
    'gcs bucket with dot segments',
    { ...ok, destination: { ...gcs, gcs_bucket: 'a/../../../storage/v1/b/other' } },
    ['destination.gcs_bucket'],
  ],
  [
    'gcs bucket with upper case',
    { ...ok, destination: { ...gcs, gcs_bucket: 'Bucket-Name' } },
    ['destination.gcs_bucket'],
  ],
  [
    'gcs bucket starting with goog',
    { ...ok, destination: { ...gcs, gcs_bucket: 'goog-exports' } },
    ['destination.gcs_bucket'],
  ],
  [
    'gcs bucket containing google',
    { ...ok, destination: { ...gcs, gcs_bucket: 'my-google-exports' } },
    ['destination.gcs_bucket'],
  ],
  [
    'gcs bucket shaped like an address',
    { ...ok, destination: { ...gcs, gcs_bucket: '192.168.5.4' } },
    ['destination.gcs_bucket'],
  ],
  ['gcs bucket too short', { ...ok, destination: { ...gcs, gcs_bucket: 'ab' } }, ['destination.gcs_bucket']],
  [
    'gcs bucket with a 64-character label',
    { ...ok, destination: { ...gcs, gcs_bucket: `a.${'b'.repeat(64)}` } },
    ['destination.gcs_bucket'],
  ],
  [
    's3 bucket with a path',
    { ...ok, destination: { ...s3, aws_bucket: 'bucket/../other' } },
    ['destination.aws_bucket'],
  ],
  ['s3 bucket with upper case', { ...ok, destination: { ...s3, aws_bucket: 'MyBucket' } }, ['destination.aws_bucket']],
  [
    's3 bucket shaped like an address',
    { ...ok, destination: { ...s3, aws_bucket: '10.0.0.1' } },
    ['destination.aws_bucket'],
  ],
  [
    's3 bucket with adjacent dots',
    { ...ok, destination: { ...s3, aws_bucket: 'my..bucket' } },
    ['destination.aws_bucket'],
  ],
  [
    's3 bucket with a reserved prefix',
    { ...ok, destination: { ...s3, aws_bucket: 'xn--bucket' } },
    ['destination.aws_bucket'],
  ],
  [
    's3 bucket with a reserved suffix',
    { ...ok, destination: { ...s3, aws_bucket: 'bucket-s3alias' } },
    ['destination.aws_bucket'],
  ],
  [
    's3 region that is a host name',
    { ...ok, destination: { ...s3, aws_region: 'us-west-2.attacker.example' } },
    ['destination.aws_region'],
  ],
  ['s3 region with a slash', { ...ok, destination: { ...s3, aws_region: 'us-west-2/x' } }, ['destination.aws_region']],
  ['s3 region of no known shape', { ...ok, destination: { ...s3, aws_region: 'mars' } }, ['destination.aws_region']],
  // Fields the destination type does not use are refused, whatever they hold.
  [
    'aws with a 60,000-item port array',
    { ...ok, destination: { type: 'aws', port: new Array(60_000).fill(1) } },
    ['destination.port'],
  ],
  ['aws with a 200 KB path', { ...ok, destination: { type: 'aws', path: 'p'.repeat(200_000) } }, ['destination.path']],
  [
    'aws with an operator object',
    { ...ok, destination: { type: 'aws', server: { $gt: '' } } },
    ['destination.server.$gt'],
  ],
  [
    'aws with a dotted key',
    { ...ok, destination: { type: 'aws', gcs_bucket: { 'a.b': 1 } } },
    ['destination.gcs_bucket.a.b'],
  ],
  [
    'aws with a plain object in an unused field',
    { ...ok, destination: { type: 'aws', server: { host: 'x' } } },
    ['destination.server'],
  ],
  [
    's3 with ftp fields',
    { ...ok, destination: { ...s3, server: 'ftp.example.com', port: 21 } },
    ['destination.server', 'destination.port'],
  ],
  ['gcs with aws keys', { ...ok, destination: { ...gcs, aws_access_key_id: 'A' } }, ['destination.aws_access_key_id']],
  [
    'sftp with a gcs bucket',
    { ...ok, destination: { ...sftp, gcs_bucket: 'bucket-name' } },
    ['destination.gcs_bucket'],
  ],
  // Shapes that used to end in a 500.
  ['destination an empty array', { ...ok, destination: [] }, ['destination']],
  ['destination an array of one', { ...ok, destination: [{ type: 'aws' }] }, ['destination']],
  ['JSON nested 3,000 levels deep', { ...ok, deep: nested(3_000) }, ['body']],
  ['server with a zone id', { ...ok, destination: { ...sftp, server: '::1%lo' } }, ['destination.server']],
  [
    'link-local server with a zone id',
    { ...ok, destination: { ...sftp, server: 'fe80::1%lo' } },
    ['destination.server'],
  ],
  [
    '$ key in a column',
    { ...ok, columnHeaders: [{ name: 'cID', label: 'x', $where: '1' }] },
    ['columnHeaders.0.$where'],
  ],
  ['dotted key at the top', { ...ok, 'a.b': 1 }, ['a.b']],
  ['$ key in the destination', { ...ok, destination: { type: 'aws', $set: { x: 1 } } }, ['destination.$set']],
  // Server names that could never work.
  ['server with a port', { ...ok, destination: { ...sftp, server: 'sftp.example.com:22' } }, ['destination.server']],
  ['server ending in a dot', { ...ok, destination: { ...sftp, server: 'sftp.example.com.' } }, ['destination.server']],
  ['server with a scheme', { ...ok, destination: { ...ftp, server: 'ftp://ftp.example.com' } }, ['destination.server']],
  ['server with a path', { ...ok, destination: { ...ftp, server: 'ftp.example.com/upload' } }, ['destination.server']],
  ['server with a space', { ...ok, destination: { ...ftp, server: 'ftp example.com' } }, ['destination.server']],
  // Host keys and TLS.
  [
    'host key fingerprint in MD5 form',
    { ...ok, destination: { ...sftp, hostKeyFingerprint: 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48' } },
    ['destination.hostKeyFingerprint'],
  ],
  [
    'host key fingerprint too short',
    { ...ok, destination: { ...sftp, hostKeyFingerprint: 'SHA256:abc' } },
    ['destination.hostKeyFingerprint'],
  ],
  [
    'host key fingerprint for ftp',
    { ...ok, destination: { ...ftp, hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` } },
    ['destination.hostKeyFingerprint'],
  ],
  ['requireTls as a string', { ...ok, destination: { ...ftp, requireTls: 'yes' } }, ['destination.requireTls']],
  ['requireTls for sftp', { ...ok, destination: { ...sftp, requireTls: true } }, ['destination.requireTls']],
  // What an export contains.
  [
    'timeframe without an offset',
    { ...ok, selected_timeframe_start: '2019-03-10T00:00:00' },
    ['selected_timeframe_start'],
  ],
  ['timeframe as a bare date', { ...ok, selected_timeframe_end: '2019-03-10' }, ['selected_timeframe_end']],
  [
    'timeframe in year 10000 once in UTC',
    { ...ok, selected_timeframe_end: '9999-12-31T23:59:59-23:59' },
    ['selected_timeframe_end'],
  ],
  [
    'timeframe before year 0 once in UTC',
    { ...ok, selected_timeframe_start: '0000-01-01T00:00:00+23:59' },
    ['selected_timeframe_start'],
  ],
  ['columnHeaders with an empty array inside', { ...ok, columnHeaders: [[]] }, ['columnHeaders']],
  [
    'columnHeaders with a nested list of columns',
    { ...ok, columnHeaders: [[{ name: 'email', label: 'e' }]] },
    ['columnHeaders'],
  ],
  [
    'two JSON columns with one label',
    {
      exportType: 'json',
      columnHeaders: [
        { name: 'cID', label: 'id' },
        { name: 'email', label: 'id' },
      ],
    },
    ['columnHeaders.1.label'],
  ],
];

describe('invalid requests', () => {
  let key: string;
  let accountId: string;

  // An account per case: the corpus is sent faster than the per-account rate allows, and a job one case created
  // wrongly is then blamed on that case alone.
  beforeEach(async () => {
    ({ key, accountId } = await createAccount('invalid'));
  });
  afterAll(closeDatabase);

  it('has a corpus of at least 50 cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CORPUS)('%s: 400 naming the field, no job', async (_case, body, fields) => {
    const response = await api<{
      statusCode: number;
      code: string;
      message: string;
      fields: { field: string; reasons: string[] }[];
    }>('POST', '/v2/contactactivityexport', { key, body });
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

  it('accepts empty values (null, "") in fields the destination type does not use, and stores none of them', async () => {
    const other = await createAccount('empty-fields');
    const response = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
      key: other.key,
      body: { ...ok, destination: { type: 'aws', server: '', port: null, username: '', password: null, path: '' } },
    });
    expect(response.status).toBe(202);
    const job = await (await database()).collection('jobs').findOne({ _id: response.body.jobId as never });
    expect(job?.request.destination).toEqual({ type: 'aws' });
  });
});

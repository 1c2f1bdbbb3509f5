import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { api, JobView, runExport, waitForJob } from '../support/api';
import {
  createS3Bucket,
  FTP,
  gcs,
  gcsObjects,
  GCS_VERIFICATION_OBJECT,
  placeGcsTokens,
  S3_KEYS,
  s3Objects,
  serverFiles,
  SFTP,
} from '../support/destinations';
import { fileText, parseCsv, parseNdjson, sha256 } from '../support/files';
import {
  closeDatabase,
  createAccount,
  database,
  exportOrder,
  insertActivities,
  makeActivities,
  TestActivity,
} from '../support/fixtures';
import { ROOT, TEST_STACK_ENV } from '../support/test-stack';

const sftp = (over: Record<string, unknown> = {}) => ({
  type: 'sftp',
  server: SFTP.host,
  port: SFTP.port,
  username: SFTP.user,
  password: SFTP.password,
  path: '/upload',
  ...over,
});
const ftp = (over: Record<string, unknown> = {}) => ({
  type: 'ftp',
  server: FTP.host,
  port: FTP.port,
  username: FTP.user,
  password: FTP.password,
  path: './',
  ...over,
});
const s3 = (bucket: string, over: Record<string, unknown> = {}) => ({
  type: 's3',
  aws_access_key_id: S3_KEYS.accessKeyId,
  aws_secret_access_key: S3_KEYS.secretAccessKey,
  aws_bucket: bucket,
  aws_region: 'us-west-2',
  path: 'folder',
  ...over,
});

function destinationServer(action: 'stop' | 'start', name: string): void {
  execFileSync('bash', ['deploy/local/test-destinations.sh', action, name], {
    cwd: ROOT,
    env: { ...process.env, ...TEST_STACK_ENV },
    stdio: 'inherit',
  });
}

/** Every delivered file matches the job's list: same names, bytes and sha256; no temporary file left. */
function expectDelivered(job: JobView, files: Map<string, Buffer>, prefix = ''): void {
  expect(job.status).toBe('done');
  expect([...files.keys()].sort()).toEqual(job.files.map((f) => `${prefix}${f.name}`).sort());
  for (const file of job.files) {
    const bytes = files.get(`${prefix}${file.name}`)!;
    expect({ name: file.name, bytes: bytes.length, sha256: sha256(bytes) }).toEqual({
      name: file.name,
      bytes: file.bytes,
      sha256: file.sha256,
    });
  }
}

describe('delivery to SFTP, FTP, S3 and GCS', () => {
  let key: string;
  let accountId: string;
  let activities: TestActivity[];
  const ids = (list: TestActivity[]) => exportOrder(list).map((a) => a._id.toHexString());

  beforeAll(async () => {
    ({ key, accountId } = await createAccount('dest'));
    activities = makeActivities(accountId, 1_000, 61);
    await insertActivities(activities);
  });
  afterAll(closeDatabase);

  it('SFTP: chunked CSV lands in the folder under its final names, complete, nothing temporary left', async () => {
    const name = `sftp-${randomUUID().slice(0, 6)}`;
    const job = await runExport(key, {
      name,
      exportType: 'csv',
      limitRecordsPerFile: 300,
      destination: sftp(),
      columnHeaders: [{ name: '_id', label: 'id' }],
    });
    const files = new Map([...serverFiles(SFTP.root, 'upload')].filter(([file]) => file.includes(name)));
    expectDelivered(job, files);
    expect(job.files.map((f) => f.name)).toEqual([1, 2, 3, 4].map((n) => `${name}-part-0000${n}.csv`));
    const rows = job.files.flatMap((f) =>
      parseCsv(files.get(f.name)!.toString())
        .slice(1)
        .map((r) => r[0]),
    );
    expect(rows).toEqual(ids(activities));
    expect(job.files[0]).toMatchObject({ location: `sftp://127.0.0.1:${SFTP.port}/upload/${name}-part-00001.csv` });
    expect(job.files[0].url).toBeUndefined();
  });

  it("FTP: the reference's JSON example (bounces, labelled columns) into ./", async () => {
    const name = `bounce-30days-${randomUUID().slice(0, 6)}`;
    const job = await runExport(key, {
      name,
      exportType: 'json',
      destination: ftp(),
      selected_action_name: 'bounce',
      showAllProperties: false,
      compress: false,
      columnHeaders: [
        { name: '_id', label: '_id' },
        { name: 'bmID', label: 'msID' },
        { name: 'system_properties.bt', label: 'system_properties_bt' },
      ],
    });
    const files = new Map([...serverFiles(FTP.root, '')].filter(([file]) => file.startsWith(name)));
    expectDelivered(job, files);
    const lines = parseNdjson(files.get(`${name}.json`)!.toString());
    expect(lines.map((l) => l._id)).toEqual(ids(activities.filter((a) => a.action === 'bounce')));
  });

  it('FTP: gzipped chunks into a sub-folder', async () => {
    const name = `ftp-gz-${randomUUID().slice(0, 6)}`;
    const job = await runExport(key, {
      name,
      exportType: 'csv',
      compress: true,
      limitRecordsPerFile: 400,
      destination: ftp({ path: '/exports/' }),
    });
    const files = new Map([...serverFiles(FTP.root, 'exports')].filter(([file]) => file.startsWith(name)));
    expectDelivered(job, files);
    const rows = job.files.flatMap((f) =>
      parseCsv(fileText(f.name, files.get(f.name)!))
        .slice(1)
        .map((r) => r[0]),
    );
    expect(rows).toEqual(ids(activities));
  });

  it('S3: `folder` and `/folder/` land in the same place; a file name in the path names the files', async () => {
    const bucket = `customer-${randomUUID().slice(0, 8)}`;
    await createS3Bucket(bucket);
    const plain = await runExport(key, {
      name: 'activities_batch_march25',
      exportType: 'csv',
      destination: s3(bucket, { path: 'folder' }),
    });
    const slashed = await runExport(key, {
      name: 'activities_batch_march25',
      exportType: 'csv',
      destination: s3(bucket, { path: '/folder/' }),
    });
    const named = await runExport(key, {
      name: 'x',
      exportType: 'csv',
      limitRecordsPerFile: 600,
      compress: true,
      destination: s3(bucket, { path: '/deep/contactsExport.csv' }),
    });
    const objects = await s3Objects(bucket);
    expect([...objects.keys()].sort()).toEqual([
      'deep/contactsExport-part-00001.csv.gz',
      'deep/contactsExport-part-00002.csv.gz',
      'folder/activities_batch_march25.csv',
    ]);
    expect(plain.files[0].sha256).toBe(slashed.files[0].sha256);
    expect(sha256(objects.get('folder/activities_batch_march25.csv')!)).toBe(slashed.files[0].sha256);
    expect(named.files.map((f) => [f.name, f.location])).toEqual([
      ['contactsExport-part-00001.csv.gz', `s3://${bucket}/deep/contactsExport-part-00001.csv.gz`],
      ['contactsExport-part-00002.csv.gz', `s3://${bucket}/deep/contactsExport-part-00002.csv.gz`],
    ]);
  });

  it("GCS: the reference's example (labelled columns) into /contactactivities", async () => {
    const bucket = `bucket-${randomUUID().slice(0, 8)}`;
    await gcs.createBucket(bucket);
    const registration = await api<{ token: string }>('POST', '/v2/destinations/gcs-buckets', {
      key,
      body: { bucket },
    });
    await placeGcsTokens(bucket, [registration.body.token]);
    const job = await runExport(key, {
      name: 'activities_batch_march25',
      exportType: 'csv',
      destination: { type: 'gcs', gcs_bucket: bucket, path: '/contactactivities' },
      columnHeaders: [
        { name: 'action', label: 'Action' },
        { name: 'email', label: 'Contact Email' },
        { name: 'cID', label: 'Contact ID' },
      ],
      showHeader: true,
      selected_message_type: 'batch',
      selected_action_name: 'message-sent',
      compress: false,
    });
    const objects = await gcsObjects(bucket);
    objects.delete(GCS_VERIFICATION_OBJECT);
    expectDelivered(job, objects, 'contactactivities/');
    const expected = exportOrder(activities.filter((a) => a.action === 'message-sent' && a.bmID));
    expect(parseCsv(objects.get('contactactivities/activities_batch_march25.csv')!.toString())).toEqual([
      ['Action', 'Contact Email', 'Contact ID'],
      ...expected.map((a) => [a.action, a.email ?? '', a.cID]),
    ]);
  });

  it('redelivering the same export overwrites the same names, never adds a copy', async () => {
    const name = `again-${randomUUID().slice(0, 6)}`;
    const first = await runExport(key, { name, exportType: 'csv', destination: sftp() });
    const second = await runExport(key, { name, exportType: 'csv', destination: sftp() });
    const files = [...serverFiles(SFTP.root, 'upload').keys()].filter((file) => file.includes(name));
    expect(files).toEqual([`${name}.csv`]);
    expect(second.files[0].sha256).toBe(first.files[0].sha256);
  });

  describe("upload timing (the reference's S3 note)", () => {
    let bigAccount: { key: string; accountId: string };

    beforeAll(async () => {
      bigAccount = await createAccount('timing');
      await insertActivities(makeActivities(bigAccount.accountId, 30_000, 62));
    });

    /**
     * Polls the bucket until the first object appears, and says whether the writer had finished by then. No clock:
     * on a busy machine the export takes longer, not differently; a job that ends without an object is the failure.
     */
    async function firstObjectSeen(bucket: string, jobId: string): Promise<{ writerDone: boolean; status: string }> {
      const db = await database();
      for (let polls = 0; ; polls++) {
        const objects = await s3Objects(bucket);
        if (objects.size > 0) {
          const progress = await db.collection('writer_progress').findOne({ _id: jobId as never });
          const job = await api<JobView>('GET', `/v2/jobs/${jobId}`, { key: bigAccount.key });
          return { writerDone: progress?.done === true, status: job.body.status };
        }
        if (polls % 20 === 19) {
          const { body } = await api<JobView>('GET', `/v2/jobs/${jobId}`, { key: bigAccount.key });
          if (body.status === 'failed' || (body.status === 'done' && (await s3Objects(bucket)).size === 0)) {
            throw new Error(`job ended ${body.status} with no object in ${bucket}: ${JSON.stringify(body.error)}`);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    it('uncompressed and chunked: the first chunk is uploaded while the export is still running', async () => {
      const bucket = `timing-${randomUUID().slice(0, 8)}`;
      await createS3Bucket(bucket);
      const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
        key: bigAccount.key,
        body: {
          name: 'stream',
          exportType: 'csv',
          limitRecordsPerFile: 1_000,
          compress: false,
          destination: s3(bucket),
        },
      });
      const seen = await firstObjectSeen(bucket, created.body.jobId);
      expect(seen).toEqual({ writerDone: false, status: 'processing' });
      const job = await waitForJob(bigAccount.key, created.body.jobId);
      expect(job.files).toHaveLength(30);
    });

    it('compressed and chunked: all chunks are uploaded together once the export is complete', async () => {
      const bucket = `timing-${randomUUID().slice(0, 8)}`;
      await createS3Bucket(bucket);
      const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
        key: bigAccount.key,
        body: {
          name: 'batched',
          exportType: 'csv',
          limitRecordsPerFile: 1_000,
          compress: true,
          destination: s3(bucket),
        },
      });
      const seen = await firstObjectSeen(bucket, created.body.jobId);
      expect(seen.writerDone).toBe(true);
      const job = await waitForJob(bigAccount.key, created.body.jobId);
      expect(job.files).toHaveLength(30);
    });
  });

  describe('failures', () => {
    const failure = async (destination: Record<string, unknown>) => {
      const job = await runExport(key, { name: `fail-${randomUUID().slice(0, 6)}`, exportType: 'csv', destination });
      expect(job.status).toBe('failed');
      expect(JSON.stringify(job.error)).not.toMatch(
        /ftp-test-pass|sftp-test-pass|wrong-pass|customer-secret-key-123|\s+at\s/,
      );
      return job.error!;
    };

    it.each([
      ['SFTP wrong password', () => sftp({ password: 'wrong-pass' }), 'AUTH_FAILED'],
      ['FTP wrong password', () => ftp({ password: 'wrong-pass' }), 'AUTH_FAILED'],
      ['SFTP missing folder', () => sftp({ path: '/nope' }), 'PATH_NOT_FOUND'],
      ['FTP missing folder', () => ftp({ path: '/nope' }), 'PATH_NOT_FOUND'],
      ['SFTP read-only folder', () => sftp({ path: '/readonly' }), 'PERMISSION_DENIED'],
      ['FTP read-only folder', () => ftp({ path: '/readonly' }), 'PERMISSION_DENIED'],
      ['S3 wrong secret', () => s3('customer-none', { aws_secret_access_key: 'wrong-pass' }), 'AUTH_FAILED'],
      ['S3 unknown bucket', () => s3(`missing-${randomUUID().slice(0, 8)}`), 'BUCKET_NOT_FOUND'],
      [
        'GCS bucket never registered',
        () => ({ type: 'gcs', gcs_bucket: `missing-${randomUUID().slice(0, 8)}`, path: '/x' }),
        'BUCKET_NOT_VERIFIED',
      ],
      ['host unreachable', () => sftp({ port: 12998 }), 'HOST_UNREACHABLE'],
    ])('%s: the job fails with %s and a message that says what to fix', async (_case, destination, code) => {
      const error = await failure(destination());
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(20);
    });

    it('a destination down for less than the retry budget: retried, then done', async () => {
      destinationServer('stop', 'sshd');
      const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
        key,
        body: { name: `outage-${randomUUID().slice(0, 6)}`, exportType: 'csv', destination: sftp() },
      });
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      destinationServer('start', 'sshd');
      const job = await waitForJob(key, created.body.jobId);
      expect(job.status).toBe('done');
      expect(serverFiles(SFTP.root, 'upload').has(job.files[0].name)).toBe(true);
    });
  });

  it('refuses destination hosts in private ranges outside the allow-list, creating nothing', async () => {
    for (const server of ['127.0.0.2', '10.0.0.1', '169.254.169.254', '[::1]']) {
      const response = await api<{ code: string; fields: { field: string }[] }>('POST', '/v2/contactactivityexport', {
        key,
        body: { exportType: 'csv', destination: sftp({ server }) },
      });
      expect({ server, status: response.status, code: response.body.code }).toEqual({
        server,
        status: 400,
        code: 'DESTINATION_HOST_REFUSED',
      });
      expect(response.body.fields.map((f) => f.field)).toEqual(['destination.server']);
    }
    const db = await database();
    expect(
      await db.collection('jobs').countDocuments({
        accountId,
        'request.destination.server': { $in: ['127.0.0.2', '10.0.0.1', '169.254.169.254', '[::1]'] },
      }),
    ).toBe(0);
  });
});

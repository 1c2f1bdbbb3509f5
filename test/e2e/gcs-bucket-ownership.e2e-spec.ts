import { randomUUID } from 'node:crypto';
import { api, runExport } from '../support/api';
import { gcs, gcsObjects, GCS_VERIFICATION_OBJECT, placeGcsTokens } from '../support/destinations';
import { sha256 } from '../support/files';
import { closeDatabase, createAccount, database, insertActivities, makeActivities } from '../support/fixtures';

interface Registration {
  bucket: string;
  token: string;
  verificationObject: string;
  instructions: string;
}

/**
 * GCS uploads use the service's own identity, so one account must not be able to write into a bucket that another
 * customer (or the platform) granted to that identity: a bucket is written to only after its owner proved control.
 */
describe('GCS buckets must prove they belong to the account', () => {
  let owner: { key: string; accountId: string };
  let attacker: { key: string; accountId: string };
  let bucket: string;
  const exportTo = (key: string, gcsBucket: string, name = `gcs-${randomUUID().slice(0, 6)}`) =>
    runExport(key, { name, exportType: 'csv', destination: { type: 'gcs', gcs_bucket: gcsBucket, path: '/exports' } });
  const register = (key: string, gcsBucket: string) =>
    api<Registration>('POST', '/v2/destinations/gcs-buckets', { key, body: { bucket: gcsBucket } });

  beforeAll(async () => {
    owner = await createAccount('gcs-owner');
    attacker = await createAccount('gcs-attacker');
    await insertActivities(makeActivities(owner.accountId, 300, 81));
    await insertActivities(makeActivities(attacker.accountId, 300, 82));
    bucket = `owned-${randomUUID().slice(0, 8)}`;
    await gcs.createBucket(bucket);
  });
  afterAll(closeDatabase);

  it('refuses to write into a bucket the account never registered', async () => {
    const job = await exportTo(owner.key, bucket);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('BUCKET_NOT_VERIFIED');
    expect(job.error?.message).toContain('POST /v2/destinations/gcs-buckets');
    expect([...(await gcsObjects(bucket)).keys()]).toEqual([]);
  });

  it('registers a bucket once: the same token on a retry, an instruction that says where to put it', async () => {
    const first = await register(owner.key, bucket);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      bucket,
      verificationObject: GCS_VERIFICATION_OBJECT,
      token: expect.stringMatching(/^cae-verify-[0-9a-f]{48}$/),
    });
    expect(first.body.instructions).toContain(`gs://${bucket}/${GCS_VERIFICATION_OBJECT}`);
    const again = await register(owner.key, bucket);
    expect(again.status).toBe(200);
    expect(again.body.token).toBe(first.body.token);
  });

  it('still refuses until the token is in the bucket, then delivers', async () => {
    const { token } = (await register(owner.key, bucket)).body;
    const early = await exportTo(owner.key, bucket);
    expect(early.error?.code).toBe('BUCKET_NOT_VERIFIED');
    await placeGcsTokens(bucket, ['some-other-line', token]);
    const name = `proved-${randomUUID().slice(0, 6)}`;
    const job = await exportTo(owner.key, bucket, name);
    expect(job.status).toBe('done');
    expect([...(await gcsObjects(bucket)).keys()]).toContain(`exports/${name}.csv`);
  });

  it("does not let another account write into it, registered or not, nor overwrite the owner's files", async () => {
    const name = `victim-${randomUUID().slice(0, 6)}`;
    const ownersJob = await exportTo(owner.key, bucket, name);
    const before = (await gcsObjects(bucket)).get(`exports/${name}.csv`)!;
    expect(sha256(before)).toBe(ownersJob.files[0].sha256);

    const unregistered = await exportTo(attacker.key, bucket, name);
    expect(unregistered.error?.code).toBe('BUCKET_NOT_VERIFIED');
    const registration = await register(attacker.key, bucket);
    expect(registration.status).toBe(201);
    expect(registration.body.token).not.toBe((await register(owner.key, bucket)).body.token);
    const registered = await exportTo(attacker.key, bucket, name);
    expect(registered.error?.code).toBe('BUCKET_NOT_VERIFIED');

    expect(sha256((await gcsObjects(bucket)).get(`exports/${name}.csv`)!)).toBe(ownersJob.files[0].sha256);
  });

  it("lists and forgets only the account's own registrations", async () => {
    const mine = await api<{ items: Registration[] }>('GET', '/v2/destinations/gcs-buckets', { key: owner.key });
    expect(mine.body.items.map((item) => item.bucket)).toEqual([bucket]);
    const theirs = await api<{ items: Registration[] }>('GET', '/v2/destinations/gcs-buckets', { key: attacker.key });
    expect(theirs.body.items.map((item) => item.token)).not.toContain(mine.body.items[0].token);
    expect((await api('DELETE', `/v2/destinations/gcs-buckets/${bucket}`, { key: attacker.key })).status).toBe(204);
    expect((await api('DELETE', `/v2/destinations/gcs-buckets/${bucket}`, { key: attacker.key })).status).toBe(404);
    // The owner's registration is untouched by the other account's DELETE.
    expect(
      (await api<{ items: Registration[] }>('GET', '/v2/destinations/gcs-buckets', { key: owner.key })).body.items,
    ).toHaveLength(1);
    expect((await api('DELETE', `/v2/destinations/gcs-buckets/${bucket}`, { key: owner.key })).status).toBe(204);
    const afterwards = await exportTo(owner.key, bucket);
    expect(afterwards.error?.code).toBe('BUCKET_NOT_VERIFIED');
  });

  it('tells an unproved account nothing about the bucket: missing, or without its token, one answer', async () => {
    const missing = `missing-${randomUUID().slice(0, 8)}`;
    expect((await register(owner.key, missing)).status).toBe(201);
    const tokenless = `tokenless-${randomUUID().slice(0, 8)}`;
    await gcs.createBucket(tokenless);
    await placeGcsTokens(tokenless, ['cae-verify-of-someone-else']);
    expect((await register(owner.key, tokenless)).status).toBe(201);
    const errors = [await exportTo(owner.key, missing), await exportTo(owner.key, tokenless)].map((job) => job.error!);
    expect(errors.map((error) => error.code)).toEqual(['BUCKET_NOT_VERIFIED', 'BUCKET_NOT_VERIFIED']);
    expect(errors[0].message.replaceAll(missing, 'B')).toBe(errors[1].message.replaceAll(tokenless, 'B'));
  });

  it.each([
    [
      "the platform's files bucket",
      { exportType: 'csv', destination: { type: 'gcs', gcs_bucket: 'cae-files', path: '/x' } },
      'destination.gcs_bucket',
    ],
    [
      "the platform's staging bucket",
      {
        exportType: 'csv',
        destination: {
          type: 's3',
          aws_access_key_id: 'A',
          aws_secret_access_key: 'B',
          aws_bucket: 'cae-staging',
          aws_region: 'us-west-2',
          path: 'x',
        },
      },
      'destination.aws_bucket',
    ],
  ])('refuses %s as a destination, creating nothing', async (_case, body, field) => {
    const response = await api<{ code: string; fields: { field: string }[] }>('POST', '/v2/contactactivityexport', {
      key: owner.key,
      body,
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('DESTINATION_BUCKET_REFUSED');
    expect(response.body.fields.map((f) => f.field)).toEqual([field]);
    expect(
      await (
        await database()
      )
        .collection('jobs')
        .countDocuments({ accountId: owner.accountId, 'request.destination.gcs_bucket': 'cae-files' }),
    ).toBe(0);
  });

  it.each([
    ['cae-files', 'DESTINATION_BUCKET_REFUSED'],
    ['victim/o?predefinedAcl=publicRead', 'VALIDATION_FAILED'],
    ['Upper', 'VALIDATION_FAILED'],
  ])('refuses to register %s', async (name, code) => {
    const response = await register(owner.key, name);
    expect({ status: response.status, code: (response.body as unknown as { code: string }).code }).toEqual({
      status: 400,
      code,
    });
  });

  it('registers at most 100 buckets per account', async () => {
    const busy = await createAccount('gcs-busy');
    await (await database()).collection('gcs_buckets').insertMany(
      Array.from({ length: 100 }, (_, i) => ({
        _id: `${busy.accountId}/bulk-${i}` as never,
        accountId: busy.accountId,
        bucket: `bulk-${i}`,
        token: `cae-verify-${i}`,
        createdAt: new Date(),
      })),
    );
    expect((await register(busy.key, 'bulk-7')).status).toBe(200);
    const refused = await register(busy.key, 'one-too-many');
    expect(refused.status).toBe(409);
    expect((refused.body as unknown as { code: string }).code).toBe('BUCKET_LIMIT_REACHED');
  });
});

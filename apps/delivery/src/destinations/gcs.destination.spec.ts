import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadEnv } from '@cae/config';
import { BucketDenylist } from '@cae/destination-rules';
import { DeliveryEnv } from '../config/delivery-env';
import { GcsBucketClaims } from './gcs-bucket-claims.repository';
import { GcsDestination } from './gcs.destination';
import { deliveryInput } from './testing/chunks';

const KEY = '0'.repeat(64);

/** An HTTP server that records every request line and answers 404: it stands where the GCS API would. */
async function recordingServer(): Promise<{ server: Server; requests: string[]; url: string }> {
  const requests: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":404,"message":"not found"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, requests, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe(GcsDestination.name, () => {
  let fake: Awaited<ReturnType<typeof recordingServer>>;
  const claims = { tokenOf: jest.fn() };

  beforeEach(async () => {
    fake = await recordingServer();
    claims.tokenOf.mockResolvedValue('cae-verify-token');
  });
  afterEach(() => new Promise((resolve) => fake.server.close(resolve)));

  const sut = (over: Record<string, string> = {}) =>
    new GcsDestination(
      loadEnv(DeliveryEnv, {
        CREDENTIALS_KEY: KEY,
        GCS_ENDPOINT: fake.url,
        GCS_PROJECT_ID: 'test',
        DELIVERY_TIMEOUT_MS: '5000',
        ...over,
      }),
      claims as unknown as GcsBucketClaims,
      BucketDenylist.of('platform-*', ['cae-files']),
    );
  const gcs = (bucket: string) => deliveryInput({ kind: 'gcs', bucket, path: '/exports' }, null);

  it("reads the bucket's proof of control before writing (the recording server sees the bucket's own URL)", async () => {
    await expect(sut().deliver(gcs('customer-bucket'))).rejects.toMatchObject({ code: 'BUCKET_NOT_VERIFIED' });
    expect(fake.requests[0]).toMatch(/^GET \/storage\/v1\/b\/customer-bucket\/o\/cae-export-verification\.txt\?/);
    expect(fake.requests.some((line) => line.startsWith('POST'))).toBe(false);
  });

  it.each([
    ['a query string', 'victim-bucket/o?predefinedAcl=publicRead&x='],
    ['dot segments', 'a/../../../storage/v1/b/other'],
    ['an encoded slash', 'a%2fb'],
    ['upper case', 'Victim'],
  ])('refuses a bucket name with %s before any request', async (_case, bucket) => {
    await expect(sut().deliver(gcs(bucket))).rejects.toMatchObject({ code: 'INVALID_DESTINATION' });
    expect(fake.requests).toEqual([]);
  });

  it("refuses the platform's own buckets before any request", async () => {
    for (const bucket of ['cae-files', 'platform-exports']) {
      await expect(sut().deliver(gcs(bucket))).rejects.toMatchObject({ code: 'DESTINATION_BUCKET_REFUSED' });
    }
    expect(fake.requests).toEqual([]);
  });

  it('refuses a bucket the account never registered, before any request', async () => {
    claims.tokenOf.mockResolvedValue(null);
    await expect(sut().deliver(gcs('someone-elses-bucket'))).rejects.toMatchObject({
      code: 'BUCKET_NOT_VERIFIED',
      message: expect.stringContaining('POST /v2/destinations/gcs-buckets'),
    });
    expect(fake.requests).toEqual([]);
  });

  it('without a Google identity, fails at once and never probes the metadata server', async () => {
    const unconfigured = new GcsDestination(
      loadEnv(DeliveryEnv, { CREDENTIALS_KEY: KEY }),
      claims as unknown as GcsBucketClaims,
      BucketDenylist.of('', []),
    );
    await expect(unconfigured.deliver(gcs('customer-bucket'))).rejects.toMatchObject({
      code: 'DESTINATION_NOT_CONFIGURED',
    });
  });
});

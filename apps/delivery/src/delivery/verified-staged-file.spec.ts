import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { loadEnv } from '@cae/config';
import { HostPolicy } from '@cae/host-policy';
import { RetriableError } from '@cae/kafka';
import { DeliveryEnv } from '../config/delivery-env';
import { FtpDestination } from '../destinations/ftp.destination';
import { stagedChunk } from '../destinations/testing/chunks';
import { FakeFtpServer } from '../destinations/testing/fake-ftp-server';
import { verifiedStagedFile } from './verified-staged-file';

const WRITTEN = 'id,action\r\n1,open\r\n2,click\r\n';
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const chunk = { fileName: 'export.csv', bytes: Buffer.byteLength(WRITTEN), sha256: sha256(WRITTEN) };
const pieces = (value: string) => Readable.from([Buffer.from(value.slice(0, 7)), Buffer.from(value.slice(7))]);

describe(verifiedStagedFile.name, () => {
  it('passes the file the writer staged through unchanged', async () => {
    expect(await text(verifiedStagedFile(chunk, pieces(WRITTEN)))).toBe(WRITTEN);
  });

  it.each([
    ['changed bytes', WRITTEN.replace('open', 'OPEN'), /SHA-256 differs/],
    ['a truncated file', WRITTEN.slice(0, -3), new RegExp(`${chunk.bytes - 3} bytes instead of ${chunk.bytes}`)],
    ['a longer file', `${WRITTEN}3,bounce\r\n`, new RegExp(`more than its ${chunk.bytes} bytes`)],
  ])('fails a file with %s instead of ending it', async (_, staged, reason) => {
    const damaged: RetriableError[] = [];
    await expect(text(verifiedStagedFile(chunk, pieces(staged), (error) => damaged.push(error)))).rejects.toMatchObject(
      {
        code: 'STAGED_FILE_CORRUPT',
        message: expect.stringMatching(reason),
      },
    );
    expect(damaged).toHaveLength(1);
  });

  it('passes on an error of the staged file itself', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(text(verifiedStagedFile(chunk, failing))).rejects.toThrow('connection reset');
  });

  describe('with a destination that uploads under a temporary name (FTP)', () => {
    let server: FakeFtpServer;
    let sut: FtpDestination;

    beforeEach(async () => {
      server = new FakeFtpServer();
      const port = await server.start();
      const env = loadEnv(DeliveryEnv, { CREDENTIALS_KEY: '0'.repeat(64), DELIVERY_TIMEOUT_MS: '5000' });
      sut = new FtpDestination(new HostPolicy(['127.0.0.1/32'], { allowPublic: false }), env);
      delivery = { kind: 'ftp', server: '127.0.0.1', port, path: '/upload' };
    });
    afterEach(() => server.stop());
    let delivery: Parameters<typeof stagedChunk>[0];

    const deliver = (staged: string) =>
      sut.deliver({
        chunk: stagedChunk(delivery, chunk),
        secrets: { username: 'u', password: 'p' },
        open: async () => verifiedStagedFile(chunk, pieces(staged)),
      });

    it('delivers an intact file under its final name', async () => {
      await deliver(WRITTEN);
      expect([...server.files.entries()].map(([name, bytes]) => [name, bytes.toString()])).toEqual([
        ['/upload/export.csv', WRITTEN],
      ]);
    });

    it('never gives a damaged file its final name, and removes the temporary one', async () => {
      await expect(deliver(WRITTEN.replace('open', 'OPEN'))).rejects.toThrow();
      expect([...server.files.keys()]).toEqual([]);
      expect(server.commands.some((line) => line.startsWith('RNTO'))).toBe(false);
    });
  });
});

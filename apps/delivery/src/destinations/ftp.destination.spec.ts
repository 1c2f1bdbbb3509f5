import { loadEnv } from '@cae/config';
import { HostPolicy } from '@cae/host-policy';
import { DeliveryEnv } from '../config/delivery-env';
import { FtpDestination } from './ftp.destination';
import { deliveryInput } from './testing/chunks';
import { FakeFtpServer } from './testing/fake-ftp-server';
import { UNTRUSTED_TLS } from './testing/untrusted-tls';

const KEY = '0'.repeat(64);

describe(FtpDestination.name, () => {
  let server: FakeFtpServer;
  let port: number;
  let sut: FtpDestination;

  beforeEach(async () => {
    server = new FakeFtpServer();
    port = await server.start();
    const env = loadEnv(DeliveryEnv, { CREDENTIALS_KEY: KEY, DELIVERY_TIMEOUT_MS: '5000' });
    sut = new FtpDestination(new HostPolicy(['127.0.0.1/32'], { allowPublic: false }), env);
  });
  afterEach(() => server.stop());

  const ftp = (over: Record<string, unknown> = {}) => ({
    kind: 'ftp' as const,
    server: '127.0.0.1',
    port,
    path: '/upload',
    ...over,
  });

  it('uploads under a temporary name, then renames it (the fake server works)', async () => {
    const receipt = await sut.deliver(deliveryInput(ftp(), { username: 'u', password: 'p' }));
    expect(receipt.name).toBe('export.csv');
    expect([...server.files.keys()]).toEqual(['/upload/export.csv']);
    expect(server.commands).toEqual(
      expect.arrayContaining([
        'USER u',
        'PASS p',
        'CWD /upload',
        expect.stringMatching(/^STOR \.export\.csv\./),
        'RNTO export.csv',
      ]),
    );
  });

  it.each([
    [
      'path',
      () => deliveryInput(ftp({ path: '/upload\r\nDELE /important-file.txt' }), { username: 'u', password: 'p' }),
    ],
    ['username', () => deliveryInput(ftp(), { username: 'u\r\nSITE CHMOD 777 /x', password: 'p' })],
    ['password', () => deliveryInput(ftp(), { username: 'u', password: 'p\nDELE /important-file.txt' })],
    ['server', () => deliveryInput(ftp({ server: '127.0.0.1\r\nDELE x' }), { username: 'u', password: 'p' })],
  ])(
    'refuses a %s with a line break before connecting: no injected command reaches the server',
    async (field, input) => {
      await expect(sut.deliver(input())).rejects.toMatchObject({
        code: 'INVALID_DESTINATION',
        message: expect.stringContaining(field),
      });
      expect(server.connections).toBe(0);
      expect(server.commands.filter((line) => /^(DELE|SITE)/.test(line))).toEqual([]);
    },
  );

  describe('TLS', () => {
    const withServer = async (
      options: ConstructorParameters<typeof FakeFtpServer>[0],
      run: (port: number) => Promise<void>,
    ) => {
      const other = new FakeFtpServer(options);
      const otherPort = await other.start();
      try {
        await run(otherPort);
      } finally {
        await other.stop();
      }
      return other;
    };
    const credentials = { username: 'u', password: 'secret-password' };

    it('logs in without TLS when the server does not offer it, without asking', async () => {
      await sut.deliver(deliveryInput(ftp(), credentials));
      expect(server.commands.some((line) => line.startsWith('AUTH'))).toBe(false);
    });

    it.each([
      ['does not offer TLS', {}],
      ['announces TLS but refuses AUTH TLS', { offerTls: true }],
    ])('with requireTls, sends no credentials to a server that %s', async (_case, options) => {
      const other = await withServer(options, async (otherPort) => {
        await expect(
          sut.deliver(deliveryInput(ftp({ port: otherPort, requireTls: true }), credentials)),
        ).rejects.toMatchObject({ code: 'TLS_REQUIRED' });
      });
      expect(other.commands.filter((line) => /^(USER|PASS)/.test(line))).toEqual([]);
    });

    it('with requireTls, sends no credentials when the certificate does not verify', async () => {
      const other = await withServer({ offerTls: true, tls: UNTRUSTED_TLS }, async (otherPort) => {
        await expect(
          sut.deliver(deliveryInput(ftp({ port: otherPort, requireTls: true }), credentials)),
        ).rejects.toMatchObject({ code: 'TLS_CERTIFICATE_INVALID' });
      });
      expect(other.commands).toContain('AUTH TLS');
      expect(other.commands.filter((line) => /^(USER|PASS)/.test(line))).toEqual([]);
    });

    it('without requireTls, falls back to a new connection in clear when TLS cannot be negotiated', async () => {
      const other = await withServer({ offerTls: true, brokenTls: true }, async (otherPort) => {
        await sut.deliver(deliveryInput(ftp({ port: otherPort }), credentials));
      });
      expect(other.connections).toBe(2);
      expect(other.commands.indexOf('AUTH TLS')).toBeLessThan(other.commands.indexOf('USER u'));
      expect([...other.files.keys()]).toEqual(['/upload/export.csv']);
    });

    it('with requireTls, sends no credentials when TLS cannot be negotiated', async () => {
      const other = await withServer({ offerTls: true, brokenTls: true }, async (otherPort) => {
        await expect(
          sut.deliver(deliveryInput(ftp({ port: otherPort, requireTls: true }), credentials)),
        ).rejects.toBeDefined();
      });
      expect(other.connections).toBe(1);
      expect(other.commands.filter((line) => /^(USER|PASS)/.test(line))).toEqual([]);
    });

    it('without requireTls, upgrades to TLS before the credentials even when the certificate does not verify', async () => {
      const other = await withServer({ offerTls: true, tls: UNTRUSTED_TLS }, async (otherPort) => {
        // The fake server's data connections are plain, so the upload itself fails; the login is what is checked.
        await sut.deliver(deliveryInput(ftp({ port: otherPort }), credentials)).catch(() => undefined);
      });
      const auth = other.commands.indexOf('AUTH TLS');
      expect(auth).toBeGreaterThanOrEqual(0);
      expect(other.commands.indexOf('USER u')).toBeGreaterThan(auth);
      expect(other.commands).toContain('PROT P');
    });
  });
});

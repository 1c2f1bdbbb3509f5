import { loadEnv } from '@cae/config';
import { HostPolicy } from '@cae/host-policy';
import { DeliveryEnv } from '../config/delivery-env';
import { FtpDestination } from './ftp.destination';
import { deliveryInput } from './testing/chunks';
import { FakeFtpServer } from './testing/fake-ftp-server';

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

  const ftp = (over: Record<string, unknown> = {}) => ({ kind: 'ftp' as const, server: '127.0.0.1', port, path: '/upload', ...over });

  it('uploads under a temporary name, then renames it (the fake server works)', async () => {
    const receipt = await sut.deliver(deliveryInput(ftp(), { username: 'u', password: 'p' }));
    expect(receipt.name).toBe('export.csv');
    expect([...server.files.keys()]).toEqual(['/upload/export.csv']);
    expect(server.commands).toEqual(expect.arrayContaining(['USER u', 'PASS p', 'CWD /upload', expect.stringMatching(/^STOR \.export\.csv\./), 'RNTO export.csv']));
  });

  it.each([
    ['path', () => deliveryInput(ftp({ path: '/upload\r\nDELE /important-file.txt' }), { username: 'u', password: 'p' })],
    ['username', () => deliveryInput(ftp(), { username: 'u\r\nSITE CHMOD 777 /x', password: 'p' })],
    ['password', () => deliveryInput(ftp(), { username: 'u', password: 'p\nDELE /important-file.txt' })],
    ['server', () => deliveryInput(ftp({ server: '127.0.0.1\r\nDELE x' }), { username: 'u', password: 'p' })],
  ])('refuses a %s with a line break before connecting: no injected command reaches the server', async (field, input) => {
    await expect(sut.deliver(input())).rejects.toMatchObject({ code: 'INVALID_DESTINATION', message: expect.stringContaining(field) });
    expect(server.connections).toBe(0);
    expect(server.commands.filter((line) => /^(DELE|SITE)/.test(line))).toEqual([]);
  });
});

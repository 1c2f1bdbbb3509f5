import { HostPolicy, HostRefusedError } from './host-policy';

describe(HostPolicy.name, () => {
  const sut = new HostPolicy([]);

  it.each(['127.0.0.1', 'localhost', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', '[::1]', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:a00:1'])(
    'refuses %s',
    async (host) => {
      await expect(sut.resolve(host)).rejects.toMatchObject({ reason: 'private-address' });
    },
  );

  it('accepts public addresses and returns what was checked', async () => {
    await expect(sut.resolve('93.184.216.34')).resolves.toBe('93.184.216.34');
    await expect(sut.resolve('2606:2800:220:1:248:1893:25c8:1946')).resolves.toBe('2606:2800:220:1:248:1893:25c8:1946');
  });

  it('refuses names that do not resolve', async () => {
    await expect(sut.resolve('no-such-host.invalid')).rejects.toBeInstanceOf(HostRefusedError);
  });

  it('lets the allow-list through, by range, by address or by name', async () => {
    await expect(new HostPolicy(['127.0.0.0/8']).resolve('127.0.0.1')).resolves.toBe('127.0.0.1');
    await expect(HostPolicy.fromList('10.0.0.5,').resolve('10.0.0.5')).resolves.toBe('10.0.0.5');
    await expect(new HostPolicy(['10.0.0.5']).resolve('10.0.0.6')).rejects.toBeInstanceOf(HostRefusedError);
    await expect(new HostPolicy(['localhost']).resolve('localhost')).resolves.toMatch(/127\.0\.0\.1|::1/);
  });
});

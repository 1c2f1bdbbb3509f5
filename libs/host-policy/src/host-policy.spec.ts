import { HostPolicy, HostRefusedError } from './host-policy';

describe(HostPolicy.name, () => {
  const sut = new HostPolicy([]);

  it.each([
    '127.0.0.1',
    'localhost',
    '10.1.2.3',
    '172.16.0.9',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '::1',
    '[::1]',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:a00:1',
  ])('refuses %s', async (host) => {
    await expect(sut.resolve(host)).rejects.toMatchObject({ reason: 'private-address' });
  });

  // IPv6 forms that carry an IPv4 address are judged by it. Unit tests only: such addresses are routed off this
  // machine, so no test may ever connect to one.
  it.each([
    ['IPv4-compatible, dotted', '::127.0.0.1'],
    ['IPv4-compatible, hex', '::7f00:1'],
    ['IPv4-compatible, private', '::a00:1'],
    ['NAT64', '64:ff9b::7f00:1'],
    ['NAT64, dotted', '64:ff9b::10.0.0.1'],
    ['NAT64 local use', '64:ff9b:1::808:808'],
    ['6to4', '2002:7f00:1::1'],
    ['6to4 of a private network', '2002:c0a8:101::1'],
    ['SIIT', '::ffff:0:7f00:1'],
    ['SIIT, dotted', '::ffff:0:169.254.169.254'],
    ['Teredo to a loopback client', '2001:0:4136:e378:8000:63bf:80ff:fffe'],
    ['documentation range', '2001:db8::1'],
    ['discard-only range', '100::1'],
    ['zone id', 'fe80::1%lo'],
    ['zone id on loopback', '::1%lo'],
    ['bracketed zone id', '[fe80::1%25eth0]'],
  ])('refuses %s (%s)', async (_form, host) => {
    await expect(sut.resolve(host)).rejects.toMatchObject({ reason: 'private-address' });
  });

  it.each([
    ['NAT64 of a public address', '64:ff9b::808:808'],
    ['6to4 of a public network', '2002:808:808::1'],
    ['IPv4-mapped public', '::ffff:8.8.8.8'],
  ])('accepts %s (%s)', async (_form, host) => {
    await expect(sut.resolve(host)).resolves.toBe(host);
  });

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

  it('judges an embedded address by the allow-list only where the system connects to it (IPv4-mapped)', async () => {
    const loopback = new HostPolicy(['127.0.0.1/32']);
    await expect(loopback.resolve('::ffff:127.0.0.1')).resolves.toBe('::ffff:127.0.0.1');
    await expect(loopback.resolve('64:ff9b::7f00:1')).rejects.toMatchObject({ reason: 'private-address' });
    await expect(loopback.resolve('::127.0.0.1')).rejects.toMatchObject({ reason: 'private-address' });
  });

  it('refuses every host outside the allow-list when public hosts are off (local stacks)', async () => {
    const local = new HostPolicy(['127.0.0.1/32'], { allowPublic: false });
    await expect(local.resolve('127.0.0.1')).resolves.toBe('127.0.0.1');
    await expect(local.resolve('93.184.216.34')).rejects.toMatchObject({ reason: 'not-allowed' });
    await expect(local.resolve('2606:2800:220:1:248:1893:25c8:1946')).rejects.toMatchObject({ reason: 'not-allowed' });
    await expect(HostPolicy.fromList('127.0.0.1/32', false).resolve('8.8.8.8')).rejects.toThrow(/allow-list/);
  });
});

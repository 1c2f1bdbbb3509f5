import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a destination may not point at unless allow-listed: loopback, private, link-local, metadata, ... */
function blockedRanges(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
    ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
  ] as const) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
    list.addSubnet(net, prefix, 'ipv6');
  }
  return list;
}

const BLOCKED = blockedRanges();

export class HostRefusedError extends Error {
  constructor(
    readonly host: string,
    readonly reason: 'unresolvable' | 'private-address',
  ) {
    super(
      reason === 'unresolvable'
        ? `the host ${host} could not be resolved`
        : `the host ${host} points at a private or reserved address, which destinations may not use`,
    );
  }
}

/**
 * Decides whether a user-supplied destination host may be contacted. Every address the name resolves to must be
 * public, or allowed by the operator's allow-list (host names, addresses or CIDR ranges, e.g. `127.0.0.1/32`).
 * Returns the address to connect to, so the connection uses what was checked (no second DNS answer).
 */
export class HostPolicy {
  private readonly allowedNames = new Set<string>();
  private readonly allowedAddresses = new BlockList();

  constructor(allowList: string[]) {
    for (const entry of allowList.map((item) => item.trim()).filter(Boolean)) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address);
      if (family === 0) this.allowedNames.add(entry.toLowerCase());
      else if (prefix === undefined) this.allowedAddresses.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
      else this.allowedAddresses.addSubnet(address, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  static fromList(list: string): HostPolicy {
    return new HostPolicy(list.split(','));
  }

  async resolve(host: string): Promise<string> {
    const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    let addresses: { address: string; family: number }[];
    try {
      addresses = isIP(name) ? [{ address: name, family: isIP(name) }] : await lookup(name, { all: true, verbatim: true });
    } catch {
      throw new HostRefusedError(host, 'unresolvable');
    }
    if (addresses.length === 0) throw new HostRefusedError(host, 'unresolvable');
    const nameAllowed = this.allowedNames.has(name);
    for (const resolved of addresses) {
      const { address, type } = normalise(resolved.address, resolved.family);
      if (!nameAllowed && BLOCKED.check(address, type) && !this.allowedAddresses.check(address, type)) {
        throw new HostRefusedError(host, 'private-address');
      }
    }
    return addresses[0].address;
  }
}

/**
 * An IPv4-mapped IPv6 address is judged as the IPv4 address it carries, whatever its spelling
 * (`::ffff:127.0.0.1`, `::ffff:7f00:1`, `0:0:0:0:0:ffff:7f00:1`): the URL parser canonicalises it first.
 */
function normalise(address: string, family: number): { address: string; type: 'ipv4' | 'ipv6' } {
  if (family !== 6) return { address, type: 'ipv4' };
  const canonical = new URL(`http://[${address}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(canonical);
  if (!mapped) return { address: canonical, type: 'ipv6' };
  const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
  return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), type: 'ipv4' };
}

import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { BLOCKED, describeAddress, embeddedIPv4, mappedIPv4 } from './ip-addresses';

export class HostRefusedError extends Error {
  constructor(
    readonly host: string,
    readonly reason: 'unresolvable' | 'private-address' | 'not-allowed',
  ) {
    super(
      reason === 'unresolvable'
        ? `the host ${host} could not be resolved`
        : reason === 'private-address'
          ? `the host ${host} points at a private or reserved address, which destinations may not use`
          : `the host ${host} is not in this installation's destination allow-list`,
    );
  }
}

/**
 * Decides whether a user-supplied destination host may be contacted. Every address the name resolves to must be
 * public, or allowed by the operator's allow-list (host names, addresses or CIDR ranges, e.g. `127.0.0.1/32`).
 * IPv6 addresses that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo, ...) are also judged by
 * it. With `allowPublic: false` (local and test stacks) only the allow-list passes, so nothing leaves the machine.
 * Returns the address to connect to, so the connection uses what was checked (no second DNS answer).
 */
export class HostPolicy {
  private readonly allowedNames = new Set<string>();
  private readonly allowedAddresses = new BlockList();
  private readonly allowPublic: boolean;

  constructor(allowList: string[], options: { allowPublic?: boolean } = {}) {
    this.allowPublic = options.allowPublic ?? true;
    for (const entry of allowList.map((item) => item.trim()).filter(Boolean)) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address);
      if (family === 0) this.allowedNames.add(entry.toLowerCase());
      else if (prefix === undefined) this.allowedAddresses.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
      else this.allowedAddresses.addSubnet(address, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  static fromList(list: string, allowPublic = true): HostPolicy {
    return new HostPolicy(list.split(','), { allowPublic });
  }

  async resolve(host: string): Promise<string> {
    const name = host
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1');
    // A zone id (`fe80::1%eth0`) only means something on the sender's own links.
    if (name.includes('%')) throw new HostRefusedError(host, 'private-address');
    let addresses: { address: string; family: number }[];
    try {
      addresses = isIP(name)
        ? [{ address: name, family: isIP(name) }]
        : await lookup(name, { all: true, verbatim: true });
    } catch {
      throw new HostRefusedError(host, 'unresolvable');
    }
    if (addresses.length === 0) throw new HostRefusedError(host, 'unresolvable');
    if (!this.allowedNames.has(name)) {
      for (const { address } of addresses) {
        const verdict = this.judge(address);
        if (verdict !== 'allowed') throw new HostRefusedError(host, verdict);
      }
    }
    return addresses[0].address;
  }

  private judge(address: string): 'allowed' | 'private-address' | 'not-allowed' {
    const described = describeAddress(address);
    if (!described) return 'private-address';
    const mapped = described.groups && mappedIPv4(described.groups);
    if (
      this.allowedAddresses.check(described.address, described.type) ||
      (mapped && this.allowedAddresses.check(mapped, 'ipv4'))
    ) {
      return 'allowed';
    }
    const blocked =
      BLOCKED.check(described.address, described.type) ||
      (described.groups ? embeddedIPv4(described.groups) : []).some((inner) => BLOCKED.check(inner, 'ipv4'));
    if (blocked) return 'private-address';
    return this.allowPublic ? 'allowed' : 'not-allowed';
  }
}

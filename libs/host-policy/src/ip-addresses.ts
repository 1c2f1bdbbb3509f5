import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Addresses a destination may not point at unless allow-listed: loopback, private, link-local, metadata, ... */
function blockedRanges(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const)
    list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['100::', 64],
    ['2001:db8::', 32],
    ['64:ff9b:1::', 48],
    ['fc00::', 7],
    ['fe80::', 10],
    ['fec0::', 10],
    ['ff00::', 8],
  ] as const)
    list.addSubnet(net, prefix, 'ipv6');
  return list;
}

export const BLOCKED = blockedRanges();

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted quad folded in); null if not one. */
export function ipv6Groups(address: string): number[] | null {
  if (address.includes('%') || !isIPv6(address)) return null;
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const part = (side: string) => (side === '' ? [] : side.split(':'));
  const groups =
    tail === undefined
      ? part(head)
      : [...part(head), ...Array(8 - part(head).length - part(tail).length).fill('0'), ...part(tail)];
  return groups.map((group) => parseInt(group, 16));
}

const ipv4Of = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join('.');
const ipv6Of = (groups: number[]) => groups.map((group) => group.toString(16)).join(':');

/**
 * IPv4 addresses an IPv6 address carries, by the transition mechanisms that route to them: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), SIIT (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`), 6to4
 * (`2002:AABB:CCDD::`) and Teredo (server, and the client address stored inverted).
 */
export function embeddedIPv4(groups: number[]): string[] {
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  const last = ipv4Of(groups[6], groups[7]);
  if (zeros(0, 5) && (groups[5] === 0xffff || groups[5] === 0)) return [last];
  if (zeros(0, 4) && groups[4] === 0xffff && groups[5] === 0) return [last];
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return [last];
  if (groups[0] === 0x2002) return [ipv4Of(groups[1], groups[2])];
  if (groups[0] === 0x2001 && groups[1] === 0)
    return [ipv4Of(groups[2], groups[3]), ipv4Of(groups[6] ^ 0xffff, groups[7] ^ 0xffff)];
  return [];
}

/** An IPv4-mapped address is the IPv4 address itself to the operating system: it connects there over IPv4. */
export function mappedIPv4(groups: number[]): string | null {
  return groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff ? ipv4Of(groups[6], groups[7]) : null;
}

/** What an address is, in the forms the policy judges: its family and canonical text. */
export function describeAddress(address: string): { type: 'ipv4' | 'ipv6'; address: string; groups?: number[] } | null {
  if (isIPv4(address)) return { type: 'ipv4', address };
  const groups = ipv6Groups(address);
  return groups ? { type: 'ipv6', address: ipv6Of(groups), groups } : null;
}

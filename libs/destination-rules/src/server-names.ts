import { isIP, isIPv6 } from 'node:net';

/**
 * `destination.server` of SFTP and FTP: a host name, an IPv4 address, or an IPv6 address (bracketed or not).
 * Refused with a message that says what to write instead: a port (`host:22`; the port goes in `port`), a scheme
 * (`ftp://`), a path, a zone id (`fe80::1%eth0`: only meaningful on the sender's machine), a trailing dot, spaces,
 * non-ASCII names (write the `xn--` form), and names whose last label is numeric (`127.1`, `0x7f.1`: legacy
 * address spellings that resolvers turn into addresses). Returns what is wrong, or null.
 */
export function serverProblem(server: string): string | null {
  if (/\s/.test(server)) return 'must not contain spaces';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(server))
    return 'must be a host name or address without a scheme (no ftp:// or sftp://)';
  if (server.includes('/')) return 'must be a host name or address without a path; put the folder in destination.path';
  if (server.includes('%')) return 'must not carry an IPv6 zone id (the part after %)';
  const unbracketed = /^\[(.*)\]$/.exec(server)?.[1];
  if (unbracketed !== undefined) return isIPv6(unbracketed) ? null : 'has brackets but no IPv6 address inside';
  if (isIP(server) !== 0) return null;
  if (/^(\[[^\]]*\]|[^:]+):\d+$/.test(server)) return 'must not contain a port; give the port in destination.port';
  if (server.includes(':')) return 'is not a valid IPv6 address';
  if (server.endsWith('.')) return 'must not end with a dot';
  if (/[^\x20-\x7e]/.test(server)) return 'must be ASCII; write an internationalised name in its xn-- form';
  if (server.length > 253) return 'must have at most 253 characters';
  const labels = server.split('.');
  // `_` is not legal in DNS host names, but resolvers accept it and some internal names carry it.
  if (!labels.every((label) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(label))) {
    return 'must be a host name (letters, digits and "-" in dot-separated labels of 1-63 characters) or an IP address';
  }
  if (/^(\d+|0x[0-9a-f]*)$/i.test(labels[labels.length - 1])) return 'is neither a valid IP address nor a host name';
  return null;
}

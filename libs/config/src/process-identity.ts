import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A name for this process that no other process shares, even on the same host or with the same pod name:
 * `host-pid-random`. Two processes with one identity would both believe they own the same lease or folder.
 */
export function processIdentity(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

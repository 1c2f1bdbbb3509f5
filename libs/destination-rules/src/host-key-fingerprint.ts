import { createHash } from 'node:crypto';

/**
 * An SSH host key fingerprint as `ssh-keygen -l` prints it: `SHA256:` and 43 base64 characters (the padding `=`
 * may be given or not). Returns the canonical form (no padding), or null when the text is not one.
 */
export function canonicalFingerprint(text: string): string | null {
  const match = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(text);
  return match ? `SHA256:${match[1]}` : null;
}

/** The fingerprint of a host key in SSH wire format (what the server presents), in `ssh-keygen -l` form. */
export function fingerprintOf(rawKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(rawKey).digest('base64').replace(/=+$/, '')}`;
}

import { createHash, createHmac, hkdfSync } from 'node:crypto';

/** JSON with every object's keys sorted, so that key order and spacing do not make two requests differ. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value ?? null))));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

export interface Fingerprint {
  /** HMAC-SHA256 of the request's canonical JSON, hex. */
  value: string;
  /** Which key made it (a hash of the key): a fingerprint made under another key cannot be compared. */
  keyId: string;
}

/**
 * Fingerprints of request bodies, to tell a retry (same body) from a reuse of its Idempotency-Key (another body).
 * Keyed, not a plain SHA-256: a body carries destination passwords, and a plain hash stored in the database would
 * let anyone who reads it test guesses of them. The key is derived from CREDENTIALS_KEY (HKDF, its own label), so
 * every gateway replica computes the same fingerprints.
 */
export class RequestFingerprints {
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(credentialsKeyHex: string) {
    this.key = Buffer.from(
      hkdfSync('sha256', Buffer.from(credentialsKeyHex, 'hex'), Buffer.alloc(0), 'cae idempotency fingerprint v1', 32),
    );
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 16);
  }

  of(body: unknown): Fingerprint {
    return { value: createHmac('sha256', this.key).update(canonicalJson(body)).digest('hex'), keyId: this.keyId };
  }
}

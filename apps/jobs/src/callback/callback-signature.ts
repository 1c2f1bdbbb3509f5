import { createHmac } from 'node:crypto';

/** The header that carries the signature of a callback. */
export const SIGNATURE_HEADER = 'x-signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, one `v1` per secret (two while a rotated secret's grace
 * period runs, the current one first), as Stripe signs its webhooks. The timestamp is inside the signed text, so a
 * receiver that refuses old timestamps cannot be fed a captured callback again later; the body is signed as the
 * exact bytes sent, so the receiver verifies the raw body before it parses it.
 */
export function signatureHeader(body: string, secrets: readonly string[], at: Date): string {
  if (secrets.length === 0) throw new Error('a callback is never sent unsigned');
  const t = Math.floor(at.getTime() / 1000);
  const signatures = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
  return [`t=${t}`, ...signatures].join(',');
}

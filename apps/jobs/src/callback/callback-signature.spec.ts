import { createHmac } from 'node:crypto';
import { signatureHeader } from './callback-signature';
import { documentedVerifier } from './testing/documented-verifier';

// The verification snippet of the documentation, exactly as receivers copy it.
const verifyCallback = documentedVerifier();

describe(signatureHeader.name, () => {
  const secret = 'cbsec_test-secret';
  const body = JSON.stringify({ eventId: 'e-1', job: { status: 'done', name: 'ünïcødé' } });

  it('signs "<t>.<body>" with HMAC-SHA256, Stripe-style', () => {
    const at = new Date('2024-05-01T10:00:00.900Z');
    const header = signatureHeader(body, [secret], at);
    const t = 1714557600;
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
  });

  it('verifies with the documented snippet, on the string and on the raw bytes', () => {
    const header = signatureHeader(body, [secret], new Date());
    expect(verifyCallback(secret, header, body)).toBe(true);
    expect(verifyCallback(secret, header, Buffer.from(body))).toBe(true);
  });

  it('is refused by the snippet for another secret, a changed body, or a stale or missing timestamp', () => {
    const header = signatureHeader(body, [secret], new Date());
    expect(verifyCallback('cbsec_other', header, body)).toBe(false);
    expect(verifyCallback(secret, header, body.replace('done', 'fail'))).toBe(false);
    expect(verifyCallback(secret, header, `${body} `)).toBe(false);
    const old = signatureHeader(body, [secret], new Date(Date.now() - 301_000));
    expect(verifyCallback(secret, old, body)).toBe(false);
    expect(verifyCallback(secret, old, body, 600)).toBe(true);
    // The timestamp is signed: moving it forward breaks the signature.
    const moved = old.replace(/^t=(\d+)/, () => `t=${Math.floor(Date.now() / 1000)}`);
    expect(verifyCallback(secret, moved, body)).toBe(false);
    expect(verifyCallback(secret, header.replace(/^t=\d+,/, ''), body)).toBe(false);
    expect(verifyCallback(secret, undefined, body)).toBe(false);
    expect(verifyCallback(secret, 't=abc,v1=00', body)).toBe(false);
    expect(verifyCallback(secret, `${header.split(',')[0]},v1=${'0'.repeat(63)}`, body)).toBe(false);
  });

  it('carries one signature per secret while a rotated secret still signs: either one verifies', () => {
    const header = signatureHeader(body, ['cbsec_new', 'cbsec_old'], new Date());
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verifyCallback('cbsec_new', header, body)).toBe(true);
    expect(verifyCallback('cbsec_old', header, body)).toBe(true);
    expect(verifyCallback('cbsec_neither', header, body)).toBe(false);
  });

  it('never signs without a secret', () => {
    expect(() => signatureHeader(body, [], new Date())).toThrow();
  });
});

const { createHmac, timingSafeEqual } = require('node:crypto');

/**
 * True when `header` (the X-Signature header) signs `rawBody` (the exact bytes received, before any JSON parsing)
 * with `secret` (from POST /v2/callback-secret), and its timestamp is within `toleranceSeconds` of now.
 */
function verifyCallback(secret, header, rawBody, toleranceSeconds = 300) {
  const pairs = String(header ?? '')
    .split(',')
    .map((part) => part.trim().split('='));
  const t = pairs.find(([key]) => key === 't')?.[1];
  if (!/^\d+$/.test(t ?? '') || Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  return pairs.some(
    ([key, value]) =>
      key === 'v1' && /^[0-9a-f]{64}$/.test(value) && timingSafeEqual(Buffer.from(value, 'hex'), expected),
  );
}

module.exports = { verifyCallback };

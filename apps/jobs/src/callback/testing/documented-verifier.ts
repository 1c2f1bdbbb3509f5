import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type VerifyCallback = (
  secret: string,
  header: string | undefined,
  rawBody: string | Buffer,
  toleranceSeconds?: number,
) => boolean;

/**
 * The verification snippet of the documentation (docs/examples/verify-callback.js), run from its text exactly as a
 * receiver would paste it: the tests prove the documented code, not a copy of it.
 */
export function documentedVerifier(): VerifyCallback {
  const source = readFileSync(
    resolve(__dirname, '..', '..', '..', '..', '..', 'docs', 'examples', 'verify-callback.js'),
    'utf8',
  );
  const module = { exports: {} as { verifyCallback?: VerifyCallback } };
  new Function('require', 'module', source)(require, module);
  if (typeof module.exports.verifyCallback !== 'function') throw new Error('the snippet exports no verifyCallback');
  return module.exports.verifyCallback;
}

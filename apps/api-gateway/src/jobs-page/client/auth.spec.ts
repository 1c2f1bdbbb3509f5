import { apiKeyFromHeader } from '../../auth/api-key.guard';
import { basicAuthorization, keyProblem } from './auth';

describe('auth', () => {
  it.each(['key-0123abcd', 'demo-key-local-only', 'clé-ü-✓', 'a'.repeat(256)])(
    'sends %p the way the gateway reads it back',
    (key) => {
      expect(apiKeyFromHeader(basicAuthorization(key))).toBe(key);
    },
  );

  it('is HTTP Basic with the key as user name and an empty password', () => {
    expect(basicAuthorization('key')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`);
  });

  it('says what is wrong with a key before sending it', () => {
    expect(keyProblem('')).toMatch(/Enter/);
    expect(keyProblem('user:password')).toMatch(/colon/);
    expect(keyProblem('k'.repeat(257))).toMatch(/256/);
    expect(keyProblem('key-0123')).toBeNull();
  });
});

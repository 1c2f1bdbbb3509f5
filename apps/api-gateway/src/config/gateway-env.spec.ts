import { InvalidEnvironmentError, loadEnv } from '@cae/config';
import { GatewayEnv } from './gateway-env';

const KEY = { CREDENTIALS_KEY: 'ab'.repeat(32) };

describe('GatewayEnv: the job controls', () => {
  it('defaults to 10 active exports per account and a 10 s dry-run count', () => {
    const env = loadEnv(GatewayEnv, KEY);
    expect(env.MAX_ACTIVE_EXPORTS_PER_ACCOUNT).toBe(10);
    expect(env.DRY_RUN_MAX_TIME_MS).toBe(10_000);
  });

  it('reads them from the environment', () => {
    const env = loadEnv(GatewayEnv, { ...KEY, MAX_ACTIVE_EXPORTS_PER_ACCOUNT: '3', DRY_RUN_MAX_TIME_MS: '500' });
    expect([env.MAX_ACTIVE_EXPORTS_PER_ACCOUNT, env.DRY_RUN_MAX_TIME_MS]).toEqual([3, 500]);
  });

  it.each([
    ['MAX_ACTIVE_EXPORTS_PER_ACCOUNT', '0'],
    ['MAX_ACTIVE_EXPORTS_PER_ACCOUNT', '2.5'],
    ['MAX_ACTIVE_EXPORTS_PER_ACCOUNT', 'ten'],
    ['MAX_ACTIVE_EXPORTS_PER_ACCOUNT', '1001'],
    ['DRY_RUN_MAX_TIME_MS', '99'],
    ['DRY_RUN_MAX_TIME_MS', '120001'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadEnv(GatewayEnv, { ...KEY, [name]: value })).toThrow(InvalidEnvironmentError);
    expect(() => loadEnv(GatewayEnv, { ...KEY, [name]: value })).toThrow(new RegExp(name));
  });
});

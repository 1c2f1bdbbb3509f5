import { StorageEnv } from './common-env';
import { devDefaultsOf, isDevelopment } from './deploy-env';
import { InvalidEnvironmentError, loadEnv } from './load-env';

const deployed = {
  KAFKA_BROKERS: 'kafka-bootstrap:9092',
  MONGODB_URI: 'mongodb+srv://user:pass@cluster/cordial',
  S3_ENDPOINT: 'https://s3.us-east-1.amazonaws.com',
  S3_ACCESS_KEY_ID: 'AKIA...',
  S3_SECRET_ACCESS_KEY: 'real-secret',
};

describe(isDevelopment.name, () => {
  it.each([
    [{}, true],
    [{ NODE_ENV: 'test' }, true],
    [{ NODE_ENV: 'production' }, false],
    [{ DEPLOY_ENV: 'staging' }, false],
    [{ DEPLOY_ENV: 'prod', NODE_ENV: 'development' }, false],
    [{ DEPLOY_ENV: 'Local', NODE_ENV: 'production' }, true],
  ])('%j is development: %s', (env, expected) => {
    expect(isDevelopment(env as NodeJS.ProcessEnv)).toBe(expected);
  });
});

describe('development defaults outside development', () => {
  it('are the brokers, the database and the storage endpoint and credentials', () => {
    expect(devDefaultsOf(StorageEnv)).toEqual([
      'KAFKA_BROKERS',
      'MONGODB_URI',
      'S3_ACCESS_KEY_ID',
      'S3_ENDPOINT',
      'S3_SECRET_ACCESS_KEY',
    ]);
  });

  it('are used in development', () => {
    expect(loadEnv(StorageEnv, {}).S3_ACCESS_KEY_ID).toBe('devaccesskey');
  });

  it('make the service refuse to start in production, naming every missing variable', () => {
    try {
      loadEnv(StorageEnv, { NODE_ENV: 'production', MONGODB_URI: deployed.MONGODB_URI });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEnvironmentError);
      const problems = (error as InvalidEnvironmentError).problems.join('\n');
      for (const name of ['KAFKA_BROKERS', 'S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) {
        expect(problems).toContain(`${name}: required outside development`);
      }
      expect(problems).not.toContain('MONGODB_URI');
    }
  });

  it('refuse an empty value as much as a missing one, and accept a complete environment', () => {
    expect(() => loadEnv(StorageEnv, { ...deployed, DEPLOY_ENV: 'prod', S3_SECRET_ACCESS_KEY: '' })).toThrow(
      /S3_SECRET_ACCESS_KEY: required outside development/,
    );
    expect(loadEnv(StorageEnv, { ...deployed, DEPLOY_ENV: 'prod' }).S3_SECRET_ACCESS_KEY).toBe('real-secret');
  });

  it('require a SASL username and password once a mechanism is chosen', () => {
    expect(() => loadEnv(StorageEnv, { KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toThrow(
      /KAFKA_SASL_USERNAME[\s\S]*KAFKA_SASL_PASSWORD|KAFKA_SASL_PASSWORD[\s\S]*KAFKA_SASL_USERNAME/,
    );
    expect(() => loadEnv(StorageEnv, { KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });
});

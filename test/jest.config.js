// End-to-end suites: real Kafka, FerretDB, versitygw, mailpit and the five services (started by global-setup).
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/support/global-setup.ts',
  globalTeardown: '<rootDir>/support/global-teardown.ts',
  // Generous: a busy CI machine makes exports slower, never different. A hung test still ends.
  testTimeout: 600_000,
  maxWorkers: 1,
};

/** Start-up configuration: validates the environment and refuses to start with a clear message. */
export * from './common-env';
export * from './deploy-env';
export * from './env.module';
export * from './load-env';
export * from './process-identity';

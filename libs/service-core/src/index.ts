/** The modules every service is built on: environment, health, MongoDB and Kafka. */
export * from './service-core.module';
export * from './startup-index-check';

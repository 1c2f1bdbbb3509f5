/** The only place that builds Kafka clients: typed producer, validating consumers, topic admin, Nest transport. */
export * from './backoff';
export * from './contract-consumer';
export * from './contract-producer';
export * from './dead-letter';
export * from './errors';
export * from './kafka-factory';
export * from './job-status-publisher';
export * from './kafka.module';
export * from './nest-transport';
export * from './topic-admin';

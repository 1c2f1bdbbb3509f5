export * from './codec';
export * from './topic';
export * from './topic-payloads';

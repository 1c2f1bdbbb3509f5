/** MongoDB access shared by the services: one client, collection names and the stored document shapes. */
export * from './collections';
export * from './documents';
export * from './mongo-errors';
export * from './mongo.module';
export * from './job-endings';
export * from './indexes';
export * from './activity-query/activity-filter';
export * from './activity-query/contact-ids';

/** Message contracts between the services: topic names, payload classes, and their validating codec. */
import 'reflect-metadata';
export * from './chunks';
export * from './dead-letter';
export * from './export-spec';
export * from './job-status';
export * from './records';
export * from './requested';
export * from './topics';

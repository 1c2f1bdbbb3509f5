export * from './export-spec';

export * from './value';
export * from './error-codes';

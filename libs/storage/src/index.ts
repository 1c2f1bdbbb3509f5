/** The project's own S3-compatible object storage: staged chunks and internally kept files. */
export * from './object-storage';
export * from './storage-keys';

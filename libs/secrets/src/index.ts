/** Destination credentials: AES-256-GCM sealing bound to the job, and their store referenced by jobId. */
export * from './credential-cipher';
export * from './credentials-key.constraint';
export * from './secret-store';

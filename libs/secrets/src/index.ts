/**
 * Secrets at rest, sealed with AES-256-GCM: destination credentials (bound to the job, referenced by jobId) and the
 * per-account secrets that sign completion callbacks (bound to the account).
 */
export * from './credential-cipher';
export * from './credentials-key.constraint';
export * from './secret-store';
export * from './callback-secret-store';

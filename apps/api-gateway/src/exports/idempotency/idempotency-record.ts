import { Fingerprint } from './request-fingerprint';

/** How long a key names its job: a retry within it gets the same job, another body with it a 422. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;

/**
 * How long a claimed key belongs to the attempt that claimed it: a retry meanwhile gets 409 (the first attempt is
 * still at work). An attempt needs milliseconds from its claim to the job's insert; a claim this old belongs to an
 * attempt presumed dead, and the next retry takes the key over (with the same job id, so both cannot make a job).
 */
export const IDEMPOTENCY_CLAIM_MS = 60_000;

/**
 * One Idempotency-Key of one account (`_id`: the JSON pair [accountId, key], which no two accounts can share).
 * Written first (the unique `_id` decides between concurrent attempts, on every replica), then marked `done` with
 * the job's name once the job exists.
 */
export interface IdempotencyRecord {
  _id: string;
  accountId: string;
  key: string;
  fingerprint: string;
  fingerprintKeyId: string;
  jobId: string;
  state: 'pending' | 'done';
  /** Random per claim: only its own attempt completes or releases it. */
  claimToken: string;
  claimedAt: Date;
  createdAt: Date;
  /** Past it the record is ignored and overwritten; the gateway's sweeper deletes it (FerretDB has no TTL index). */
  expiresAt: Date;
  /** The job's name, once `done`: the replayed answer is the first one. */
  name?: string;
}

export function idempotencyRecordId(accountId: string, key: string): string {
  return JSON.stringify([accountId, key]);
}

/** What to do with a request carrying a key, given the key's record. */
export type IdempotencyDecision =
  | { kind: 'claim' }
  | { kind: 'replace'; previous: IdempotencyRecord }
  | { kind: 'take-over'; previous: IdempotencyRecord }
  | { kind: 'replay'; jobId: string; name: string }
  | { kind: 'in-progress' }
  | { kind: 'reused' };

export function decide(record: IdempotencyRecord | null, fingerprint: Fingerprint, now: Date): IdempotencyDecision {
  if (!record) return { kind: 'claim' };
  if (record.expiresAt.getTime() <= now.getTime()) return { kind: 'replace', previous: record };
  // Made under another fingerprint key (CREDENTIALS_KEY was rotated): the bodies cannot be compared, and taking the
  // retry for what it claims to be never makes a second job.
  if (record.fingerprintKeyId === fingerprint.keyId && record.fingerprint !== fingerprint.value)
    return { kind: 'reused' };
  if (record.state === 'done') return { kind: 'replay', jobId: record.jobId, name: record.name ?? '' };
  if (record.claimedAt.getTime() + IDEMPOTENCY_CLAIM_MS > now.getTime()) return { kind: 'in-progress' };
  return { kind: 'take-over', previous: record };
}

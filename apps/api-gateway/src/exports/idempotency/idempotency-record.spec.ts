import { decide, IDEMPOTENCY_CLAIM_MS, IdempotencyRecord } from './idempotency-record';

const now = new Date('2026-01-02T00:00:00Z');
const fingerprint = { value: 'f1', keyId: 'k1' };
const record = (changes: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  _id: '["acc","key"]',
  accountId: 'acc',
  key: 'key',
  fingerprint: 'f1',
  fingerprintKeyId: 'k1',
  jobId: 'job-1',
  state: 'done',
  claimToken: 't',
  claimedAt: new Date(now.getTime() - 1_000),
  createdAt: new Date(now.getTime() - 1_000),
  expiresAt: new Date(now.getTime() + 1_000),
  name: 'x',
  ...changes,
});

describe(decide.name, () => {
  it('claims a key without a record, and replaces an expired one', () => {
    expect(decide(null, fingerprint, now)).toEqual({ kind: 'claim' });
    const expired = record({ expiresAt: now });
    expect(decide(expired, { value: 'other', keyId: 'k1' }, now)).toEqual({ kind: 'replace', previous: expired });
  });

  it('replays a done request with the same body, and refuses another body', () => {
    expect(decide(record(), fingerprint, now)).toEqual({ kind: 'replay', jobId: 'job-1', name: 'x' });
    expect(decide(record(), { value: 'f2', keyId: 'k1' }, now)).toEqual({ kind: 'reused' });
    expect(decide(record({ state: 'pending' }), { value: 'f2', keyId: 'k1' }, now)).toEqual({ kind: 'reused' });
  });

  it('takes a fingerprint of another key (CREDENTIALS_KEY rotated) as the same request: a replay, never a 2nd job', () => {
    expect(decide(record(), { value: 'f2', keyId: 'k2' }, now)).toEqual({ kind: 'replay', jobId: 'job-1', name: 'x' });
  });

  it('answers in progress while the first attempt holds its claim, and takes over an abandoned claim', () => {
    const fresh = record({ state: 'pending', claimedAt: new Date(now.getTime() - IDEMPOTENCY_CLAIM_MS + 1) });
    expect(decide(fresh, fingerprint, now)).toEqual({ kind: 'in-progress' });
    const stale = record({ state: 'pending', claimedAt: new Date(now.getTime() - IDEMPOTENCY_CLAIM_MS) });
    expect(decide(stale, fingerprint, now)).toEqual({ kind: 'take-over', previous: stale });
  });
});

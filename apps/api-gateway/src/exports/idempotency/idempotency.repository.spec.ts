import { Collections } from '@cae/mongo';
import { memoryDb } from '../testing/memory-db';
import { IdempotencyRecord, idempotencyRecordId } from './idempotency-record';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencySweeper } from './idempotency-sweeper';

const at = new Date('2026-01-02T00:00:00Z');
const record = (accountId: string, key: string, changes: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  _id: idempotencyRecordId(accountId, key),
  accountId,
  key,
  fingerprint: 'f',
  fingerprintKeyId: 'k',
  jobId: 'job',
  state: 'pending',
  claimToken: 'mine',
  claimedAt: at,
  createdAt: at,
  expiresAt: new Date(at.getTime() + 86_400_000),
  ...changes,
});

function setup() {
  const memory = memoryDb();
  return { sut: new IdempotencyRepository(memory.db), records: memory.collection(Collections.idempotencyKeys) };
}

describe(IdempotencyRepository.name, () => {
  it('names a key by its account: no two accounts can share a record, whatever the characters', () => {
    expect(idempotencyRecordId('a/b', 'c')).not.toBe(idempotencyRecordId('a', 'b/c'));
    expect(idempotencyRecordId('a:b', 'c')).not.toBe(idempotencyRecordId('a', 'b:c'));
  });

  it('lets one claim win a key, and only that claim complete or release it', async () => {
    const { sut, records } = setup();
    expect(await sut.insert(record('acc', 'k'))).toBe(true);
    expect(await sut.insert(record('acc', 'k', { claimToken: 'theirs' }))).toBe(false);
    await sut.complete(record('acc', 'k', { claimToken: 'theirs' }), 'x');
    await sut.release(record('acc', 'k', { claimToken: 'theirs' }));
    expect(await sut.find('acc', 'k')).toMatchObject({ state: 'pending', claimToken: 'mine' });
    await sut.complete(record('acc', 'k'), 'daily');
    expect(await sut.find('acc', 'k')).toMatchObject({ state: 'done', name: 'daily' });
    await sut.release(record('acc', 'k')); // a done key is never given back
    expect(records.docs.size).toBe(1);
  });

  it('replaces a record only as it was read', async () => {
    const { sut } = setup();
    const read = record('acc', 'k');
    await sut.insert(read);
    await sut.complete(read, 'daily'); // changed since it was read
    expect(await sut.replace(read, record('acc', 'k', { claimToken: 'new' }))).toBe(false);
    const done = (await sut.find('acc', 'k'))!;
    expect(await sut.replace(done, record('acc', 'k', { claimToken: 'new' }))).toBe(true);
    expect(await sut.find('acc', 'k')).toMatchObject({ claimToken: 'new', state: 'pending' });
  });

  it('sweeps the records past their expiry, and only those', async () => {
    const { sut, records } = setup();
    await sut.insert(record('acc', 'old', { expiresAt: at }));
    await sut.insert(record('acc', 'new', { expiresAt: new Date(at.getTime() + 1) }));
    expect(await new IdempotencySweeper(sut).sweep(at)).toBe(1);
    expect([...records.docs.values()].map((doc) => doc.key)).toEqual(['new']);
  });
});

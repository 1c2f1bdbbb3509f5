import { ContractProducer } from '@cae/kafka';
import { JobDocument } from '@cae/mongo';
import { ObjectStorage } from '@cae/storage';
import { JobsEnv } from '../config/jobs-env';
import { MemoryDb } from '../job-state/testing/memory-db';
import { CancellationFinisher } from './cancellation-finisher';

const jobId = '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e';
const requestedAt = new Date();
const later = (ms: number) => new Date(requestedAt.getTime() + ms);

async function setup() {
  const db = new MemoryDb();
  const producer = { publish: jest.fn().mockResolvedValue(undefined) };
  const storage = { removeUnder: jest.fn().mockResolvedValue({ objects: 1, uploads: 0 }) };
  const env = Object.assign(new JobsEnv(), {
    JOB_CANCEL_CHECK_MS: 10,
    JOB_CANCEL_TIMEOUT_MS: 60_000,
    STAGING_BUCKET: 'staging-bucket',
    FILES_BUCKET: 'files-bucket',
  });
  const sut = new CancellationFinisher(
    db.asDb,
    producer as unknown as ContractProducer,
    storage as unknown as ObjectStorage,
    env,
  );
  await db.collection('jobs').insertOne({
    _id: jobId,
    accountId: 'acc',
    status: 'cancelling',
    cancelRequestedAt: requestedAt,
    createdAt: requestedAt,
  });
  await db.collection('job_files').insertOne({ _id: `${jobId}:0`, jobId, chunkIndex: 0, storageKey: 'k0' });
  await db.collection('job_files').insertOne({ _id: `${jobId}:1`, jobId, chunkIndex: 1, location: 'sftp://h/x' });
  const job = async () => (await db.collection('jobs').findOne({ _id: jobId })) as unknown as JobDocument;
  const cancelledEvents = () =>
    producer.publish.mock.calls.filter(([, , value]) => (value as { type: string }).type === 'job.cancelled');
  return { sut, db, producer, storage, job, cancelledEvents };
}

describe(CancellationFinisher.name, () => {
  it('waits while a query replica holds a live lease on the job, then removes its leftovers and ends it', async () => {
    const { sut, db, storage, job, cancelledEvents } = await setup();
    await db.collection('query_checkpoints').insertOne({ _id: jobId, state: 'running', leaseUntil: later(30_000) });
    expect(await sut.tryFinish(await job(), later(1_000))).toBe(false);
    expect(storage.removeUnder).not.toHaveBeenCalled();
    expect(cancelledEvents()).toEqual([]);
    // The query saw the cancel at its next batch and stopped.
    await db.collection('query_checkpoints').updateOne({ _id: jobId }, { $set: { state: 'stopped' } });
    expect(await sut.tryFinish(await job(), later(2_000))).toBe(true);
    expect(storage.removeUnder.mock.calls).toEqual([
      ['staging-bucket', `staging/${jobId}/`],
      ['files-bucket', `accounts/acc/jobs/${jobId}/`],
    ]);
    expect(cancelledEvents()).toEqual([
      [
        'contactactivityexport.job-status.v1',
        jobId,
        expect.objectContaining({ type: 'job.cancelled', jobId, accountId: 'acc', service: 'jobs' }),
      ],
    ]);
    // Internal files are listed as removed, from then on; files at the caller's destination stay as they were.
    expect(db.collection('job_files').docs).toEqual([
      expect.objectContaining({ chunkIndex: 0, expired: true, expiresAt: later(2_000) }),
      expect.not.objectContaining({ expired: true }),
    ]);
  });

  it('does not wait for a lease that lapsed (its replica died) or for a job only queued at the query', async () => {
    const { sut, db, job } = await setup();
    await db.collection('query_checkpoints').insertOne({ _id: jobId, state: 'running', leaseUntil: later(500) });
    expect(await sut.tryFinish(await job(), later(1_000))).toBe(true);
    await db.collection('query_checkpoints').updateOne({ _id: jobId }, { $set: { state: 'queued' } });
    expect(await sut.tryFinish(await job(), later(0))).toBe(true);
  });

  it('waits while delivery has work queued for the job', async () => {
    const { sut, db, job } = await setup();
    await db.collection('delivery_queue').insertOne({ _id: `${jobId}:complete`, jobId, kind: 'complete' });
    expect(await sut.tryFinish(await job(), later(1_000))).toBe(false);
    await db.collection('delivery_queue').deleteOne({ _id: `${jobId}:complete` });
    expect(await sut.tryFinish(await job(), later(1_100))).toBe(true);
  });

  it('ends a job that is still worked on after JOB_CANCEL_TIMEOUT_MS anyway', async () => {
    const { sut, db, job, cancelledEvents } = await setup();
    await db.collection('delivery_queue').insertOne({ _id: `${jobId}:0`, jobId, kind: 'chunk' });
    expect(await sut.tryFinish(await job(), later(59_999))).toBe(false);
    expect(await sut.tryFinish(await job(), later(60_000))).toBe(true);
    expect(cancelledEvents()).toHaveLength(1);
  });

  it('watches a job until it can end it, once however often it is asked to', async () => {
    const { sut, db, job, cancelledEvents } = await setup();
    await db.collection('delivery_queue').insertOne({ _id: `${jobId}:0`, jobId, kind: 'chunk' });
    sut.watch(jobId, 'acc');
    sut.watch(jobId, 'acc');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cancelledEvents()).toEqual([]);
    await db.collection('delivery_queue').deleteOne({ _id: `${jobId}:0` });
    for (let i = 0; i < 3_000 && cancelledEvents().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(cancelledEvents()).toHaveLength(1);
    // Applied: the watch ends; the reconciler's rounds find nothing left to do.
    await db.collection('jobs').updateOne({ _id: jobId }, { $set: { status: 'cancelled' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sut.finishAll(later(1_000));
    expect(cancelledEvents()).toHaveLength(1);
    expect((await job()).status).toBe('cancelled');
    sut.onApplicationShutdown();
  });

  it('reconciler rounds end cancelling jobs nobody watches (a restart lost the watch)', async () => {
    const { sut, cancelledEvents } = await setup();
    await sut.finishAll(later(1_000));
    expect(cancelledEvents()).toHaveLength(1);
  });
});

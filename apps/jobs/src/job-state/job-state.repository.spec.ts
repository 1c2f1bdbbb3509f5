import { DeliveredFile } from '@cae/contracts';
import { JobDocument } from '@cae/mongo';
import { SECRETS_COLLECTION } from '@cae/secrets';
import { serviceMetrics } from '@cae/service-kit';
import { NoticeOnEnd } from '../notification/notice-on-end';
import { JobEndHook } from './job-end-hooks';
import { JobStateRepository } from './job-state.repository';
import { MemoryDb } from './testing/memory-db';

const jobId = '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e';
const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
const file = (chunkIndex: number, records = 10): DeliveredFile => ({
  name: `x-part-${chunkIndex + 1}.csv`,
  chunkIndex,
  records,
  bytes: 100,
  sha256: 'a'.repeat(64),
  storageKey: `accounts/acc/jobs/${jobId}/x-part-${chunkIndex + 1}.csv`,
});

async function endedCount(status: string): Promise<number> {
  const metric = await serviceMetrics.jobsEnded.get();
  return metric.values.find((value) => value.labels.status === status)?.value ?? 0;
}

async function setup(over: Partial<JobDocument> = {}) {
  const db = new MemoryDb();
  const ended: string[] = [];
  const recorder: JobEndHook = { jobEnded: async (job) => void ended.push(job.status) };
  const sut = new JobStateRepository(db.asDb, [new NoticeOnEnd(db.asDb), recorder]);
  await db.collection('jobs').insertOne({
    _id: jobId,
    accountId: 'acc',
    jobName: 'contactactivityexport',
    name: 'x',
    status: 'pending',
    totalItems: null,
    completedItems: 0,
    createdAt: t(0),
    startedAt: null,
    endedAt: null,
    request: { exportType: 'csv', confirmEmail: 'ops@example.com' },
    fileCount: 0,
    ...over,
  });
  await db.collection(SECRETS_COLLECTION).insertOne({ _id: jobId, sealed: 'x' });
  const job = async () => (await db.collection('jobs').findOne({ _id: jobId })) as unknown as JobDocument;
  const files = () => db.collection('job_files').docs;
  return { sut, db, job, files, ended };
}

describe(JobStateRepository.name, () => {
  it('cancels a pending job: cancelling at the request, cancelled at the end, counted and noticed once', async () => {
    const { sut, db, job, ended } = await setup();
    const before = await endedCount('cancelled');
    expect(await sut.requestCancel(jobId, t(1))).toBe(true);
    expect(await job()).toMatchObject({ status: 'cancelling', cancelRequestedAt: t(1), endedAt: null });
    // Not ended yet: credentials kept, no notice, no end hook.
    expect(ended).toEqual([]);
    expect((await job()).notice).toBeUndefined();
    await sut.finishCancel(jobId, t(2));
    await sut.finishCancel(jobId, t(3)); // a replayed job.cancelled
    expect(await job()).toMatchObject({ status: 'cancelled', endedAt: t(2), cancelRequestedAt: t(1) });
    expect(await endedCount('cancelled')).toBe(before + 1);
    expect((await job()).notice).toEqual({ state: 'pending', attempts: 0 });
    expect(await db.collection(SECRETS_COLLECTION).countDocuments()).toBe(0);
    expect(ended).toEqual(['cancelled', 'cancelled']); // every application of the end: hooks are idempotent
  });

  it('a replayed cancel request changes nothing, and one for a job that ended is refused', async () => {
    const { sut, job } = await setup({ status: 'processing', startedAt: t(0) });
    expect(await sut.requestCancel(jobId, t(1))).toBe(true);
    expect(await sut.requestCancel(jobId, t(5))).toBe(true);
    expect((await job()).cancelRequestedAt).toEqual(t(1));
    await sut.finishCancel(jobId, t(2));
    expect(await sut.requestCancel(jobId, t(6))).toBe(false);
    expect((await job()).status).toBe('cancelled');
  });

  it('keeps the files delivered before the cancel request and records none after it', async () => {
    const { sut, job, files } = await setup();
    expect(await sut.addFile(jobId, 'acc', file(0), t(1), 30)).toBe('recorded');
    await sut.requestCancel(jobId, t(2));
    expect(await sut.addFile(jobId, 'acc', file(1), t(3), 30)).toBe('ignored');
    expect(await sut.complete(jobId, t(4), 2, 20)).toBe('ignored');
    await sut.finishCancel(jobId, t(5));
    expect(await sut.addFile(jobId, 'acc', file(2), t(6), 30)).toBe('ignored'); // late, after the end
    expect(files().map((each) => each.chunkIndex)).toEqual([0]);
    expect(await job()).toMatchObject({ status: 'cancelled', fileCount: 1, completedItems: 10, endedAt: t(5) });
  });

  it('ends a job cancelled while its last file was delivered cancelled, never done too', async () => {
    const { sut, job } = await setup({ status: 'processing', startedAt: t(0) });
    const done = await endedCount('done');
    await sut.addFile(jobId, 'acc', file(0), t(1), 30);
    await sut.requestCancel(jobId, t(2));
    await sut.complete(jobId, t(3), 1, 10); // delivery had delivered everything just before it heard of the cancel
    await sut.fail(jobId, t(3), { code: 'TRANSFER_FAILED', message: 'x' });
    expect((await job()).status).toBe('cancelling');
    await sut.finishCancel(jobId, t(4));
    expect(await job()).toMatchObject({ status: 'cancelled', endedAt: t(4) });
    expect((await job()).error).toBeUndefined();
    expect(await endedCount('done')).toBe(done);
  });

  it('ends a job completed before the cancel request done; the request then changes nothing', async () => {
    const { sut, job, ended } = await setup({ status: 'processing', startedAt: t(0) });
    await sut.addFile(jobId, 'acc', file(0), t(1), 30);
    expect(await sut.complete(jobId, t(2), 1, 10)).toBe('done');
    expect(await sut.requestCancel(jobId, t(3))).toBe(false);
    await sut.finishCancel(jobId, t(4)); // a stray job.cancelled
    expect(await job()).toMatchObject({ status: 'done', endedAt: t(2) });
    expect((await job()).cancelRequestedAt).toBeUndefined();
    expect(ended).toEqual(['done', 'done']);
  });

  it('runs the end hooks for every final state, and not before', async () => {
    for (const end of ['done', 'failed'] as const) {
      const { sut, ended } = await setup({ status: 'processing', startedAt: t(0) });
      await sut.markStarted(jobId, t(1), 0);
      expect(ended).toEqual([]);
      if (end === 'done') await sut.complete(jobId, t(2), 0, 0);
      else await sut.fail(jobId, t(2), { code: 'QUERY_FAILED', message: 'x' });
      expect(ended).toEqual([end]);
    }
  });
});

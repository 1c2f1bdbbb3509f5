import { Collections } from '@cae/mongo';
import { GatewayEnv } from '../../config/gateway-env';
import { memoryDb } from '../testing/memory-db';
import { ExportQuota, exportSlotId, SLOT_GRACE_MS } from './export-quota';

function setup(limit = 3) {
  const memory = memoryDb();
  const quota = new ExportQuota(memory.db, { MAX_ACTIVE_EXPORTS_PER_ACCOUNT: limit } as GatewayEnv);
  const jobs = memory.collection(Collections.jobs);
  const slots = memory.collection(Collections.exportSlots);
  /** What the export service does once a slot is held: the job exists, pending. */
  const createJob = (jobId: string, accountId = 'acc', status = 'pending') =>
    jobs.docs.set(jobId, { _id: jobId, accountId, status });
  return { quota, jobs, slots, createJob };
}

describe(ExportQuota.name, () => {
  it('admits up to the limit, then refuses', async () => {
    const { quota, createJob } = setup(3);
    for (const jobId of ['j1', 'j2', 'j3']) {
      expect(await quota.admit('acc', jobId)).toMatchObject({ jobId });
      createJob(jobId);
    }
    expect(await quota.admit('acc', 'j4')).toBeNull();
  });

  it('never admits more than the limit to concurrent requests (the race of replicas counting at once)', async () => {
    const { quota } = setup(3);
    // No job is created in between: every attempt sees the same count, and only the slots decide.
    const admitted = await Promise.all(Array.from({ length: 12 }, (_, i) => quota.admit('acc', `j${i}`)));
    const held = admitted.filter((slot) => slot !== null);
    expect(held).toHaveLength(3);
    expect(new Set(held.map((slot) => slot!.index))).toEqual(new Set([0, 1, 2]));
  });

  it('passes the slot of an ended job to the next one, and never takes a slot of an active job', async () => {
    const { quota, createJob, jobs } = setup(2);
    for (const jobId of ['j1', 'j2']) {
      await quota.admit('acc', jobId);
      createJob(jobId);
    }
    expect(await quota.admit('acc', 'j3')).toBeNull();
    jobs.docs.get('j1')!.status = 'done';
    expect(await quota.admit('acc', 'j3')).toMatchObject({ index: 0, jobId: 'j3' });
    createJob('j3');
    expect(await quota.admit('acc', 'j4')).toBeNull();
    for (const status of ['failed', 'cancelled', 'cancelling']) {
      jobs.docs.get('j2')!.status = status;
      const slot = await quota.admit('acc', `after-${status}`);
      expect(slot).toMatchObject({ index: 1 });
      jobs.docs.set('j2', { _id: 'j2', accountId: 'acc', status: 'pending' });
      await quota.release(slot!);
      // The released slot is gone: the next claim inserts it again.
    }
  });

  it('keeps the slot of a job not created yet for the grace period, then frees it', async () => {
    const { quota } = setup(1);
    const claimedAt = new Date('2026-01-01T00:00:00Z');
    expect(await quota.admit('acc', 'dying', claimedAt)).not.toBeNull(); // its job never comes
    const during = new Date(claimedAt.getTime() + SLOT_GRACE_MS - 1);
    expect(await quota.admit('acc', 'next', during)).toBeNull();
    const after = new Date(claimedAt.getTime() + SLOT_GRACE_MS);
    expect(await quota.admit('acc', 'next', after)).toMatchObject({ jobId: 'next' });
  });

  it('counts active jobs that hold no slot, and stops there with one count', async () => {
    const { quota, createJob, jobs } = setup(2);
    createJob('old-1');
    createJob('old-2', 'acc', 'processing');
    jobs.calls.length = 0;
    expect(await quota.admit('acc', 'j1')).toBeNull();
    expect(jobs.calls).toEqual(['countDocuments']);
  });

  it('keeps accounts apart', async () => {
    const { quota, createJob } = setup(1);
    await quota.admit('a', 'ja');
    createJob('ja', 'a');
    expect(await quota.admit('b', 'jb')).toMatchObject({ _id: exportSlotId('b', 0) });
    // Another account's job of the same id does not free a's slot.
    expect(await quota.admit('a', 'ja2')).toBeNull();
  });

  it('gives a slot back only to the job that holds it', async () => {
    const { quota, slots } = setup(1);
    const slot = (await quota.admit('acc', 'j1'))!;
    await quota.release({ ...slot, jobId: 'someone-else' });
    expect(slots.docs.size).toBe(1);
    await quota.release(slot);
    expect(slots.docs.size).toBe(0);
  });
});

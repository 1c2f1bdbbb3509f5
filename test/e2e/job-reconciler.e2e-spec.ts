import { randomUUID } from 'node:crypto';
import { waitForJob } from '../support/api';
import { closeDatabase, createAccount, database } from '../support/fixtures';

/**
 * Issue 9, point 7: no job stays unfinished for good. The jobs service's reconciler re-publishes a pending job that
 * no query replica ever took (the gateway was killed between storing the job and publishing it), fails one that
 * could not be queued for an hour (NOT_QUEUED), and fails a processing job nothing worked on for JOB_STALL_MS
 * (STALLED). The jobs are written here as the gateway would have left them, with their times set back instead of
 * waiting: no clock in the test.
 */
const MINUTE = 60_000;

async function insertJob(
  accountId: string,
  status: 'pending' | 'processing',
  agoMs: number,
  requested?: object,
): Promise<string> {
  const jobId = randomUUID();
  const createdAt = new Date(Date.now() - agoMs);
  await (await database()).collection('jobs').insertOne({
    _id: jobId as never,
    accountId,
    jobName: 'contactactivityexport',
    name: `reconcile-${status}`,
    status,
    totalItems: null,
    completedItems: 0,
    createdAt,
    startedAt: status === 'processing' ? createdAt : null,
    endedAt: null,
    request: { exportType: 'csv', name: `reconcile-${status}` },
    files: [],
    ...(requested ? { requested: { ...requested, jobId, accountId, createdAt: createdAt.toISOString() } } : {}),
  });
  return jobId;
}

const requested = {
  filter: {},
  output: { format: 'csv', showHeader: true, showAllProperties: false, compress: false, fileBaseName: 'reconciled' },
  delivery: { kind: 'internal' },
};

describe('the job reconciler', () => {
  let account: { accountId: string; key: string };

  beforeAll(async () => {
    // No activities: the re-published export has nothing to read whatever its snapshot, and ends with one file.
    account = await createAccount('reconcile');
  });
  afterAll(closeDatabase);

  it('re-publishes a pending job that was stored but never published; it then runs to done', async () => {
    const jobId = await insertJob(account.accountId, 'pending', 5 * MINUTE, requested);
    const job = await waitForJob(account.key, jobId);
    expect(job).toMatchObject({
      status: 'done',
      files: [expect.objectContaining({ name: 'reconciled.csv', records: 0 })],
    });
  });

  it('fails a job that could not be queued for an hour with NOT_QUEUED', async () => {
    const jobId = await insertJob(account.accountId, 'pending', 61 * MINUTE);
    const job = await waitForJob(account.key, jobId);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('NOT_QUEUED');
  });

  it('fails a processing job that nothing worked on for JOB_STALL_MS with STALLED', async () => {
    const jobId = await insertJob(account.accountId, 'processing', 120 * MINUTE);
    const job = await waitForJob(account.key, jobId);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'STALLED' });
  });
});

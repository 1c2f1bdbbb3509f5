import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, waitForJob } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { parseCsv } from '../support/files';
import {
  closeDatabase,
  createAccount,
  database,
  exportOrder,
  insertActivities,
  makeActivities,
} from '../support/fixtures';
import { TEST_STACK_ENV, stackCommand as stack } from '../support/test-stack';

/**
 * Issue 9, point 6: SIGTERM (a rolling deploy) stops the query service at a safe point: the running export stops
 * at its next batch boundary with its checkpoint saved and hands its lease back, and the process exits by itself,
 * long before the export would have ended. A restarted replica resumes it; the files are exact.
 * No clock decides the verdict: the process is left all the time it wants to exit, and what is checked is where
 * the export stood when it did (not finished, lease handed back).
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('SIGTERM during an export', () => {
  afterAll(async () => {
    stack('start-service', 'query');
    await closeDatabase();
  });

  it('stops the query at a batch boundary, hands the export back, and a restarted replica finishes it exactly', async () => {
    const { accountId, key } = await createAccount('sigterm');
    const activities = makeActivities(accountId, 10_000, 401);
    await insertActivities(activities);
    const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
      key,
      body: { name: 'sigterm', exportType: 'csv', columnHeaders: [{ name: '_id', label: 'id' }] },
    });
    expect(created.status).toBe(202);
    const jobId = created.body.jobId;
    const checkpoints = (await database()).collection<{
      _id: string;
      state: string;
      nextSeq: number;
      leaseUntil?: Date;
    }>('query_checkpoints');

    // Once the export is under way (a batch was saved), the query service gets SIGTERM, as a rolling deploy sends it.
    for (let seen = 0; seen === 0;) {
      seen = (await checkpoints.findOne({ _id: jobId }))?.nextSeq ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const group = Number(readFileSync(join(TEST_STACK_ENV.STACK_DIR, 'run', 'query.pid'), 'utf8'));
    const stoppingAt = Date.now();
    process.kill(-group, 'SIGTERM');
    while (alive(group)) await new Promise((resolve) => setTimeout(resolve, 100));
    console.log(`query service exited ${Date.now() - stoppingAt} ms after SIGTERM`);

    const left = await checkpoints.findOne({ _id: jobId });
    expect(left?.state).toBe('running'); // stopped mid-export, not run to its end
    expect(left!.nextSeq).toBeGreaterThan(0);
    expect(left!.nextSeq).toBeLessThan(activities.length);
    expect(left!.leaseUntil!.getTime()).toBeLessThanOrEqual(Date.now()); // handed back, not left to lapse

    stack('start-service', 'query');
    const job = await waitForJob(key, jobId, 300_000);
    expect(job.status).toBe('done');
    const rows = (await downloadAll(key, job)).flatMap((file) =>
      parseCsv(file.text)
        .slice(1)
        .map((row) => row[0]),
    );
    expect(rows).toEqual(exportOrder(activities).map((a) => a._id.toHexString()));
  }, 400_000);
});

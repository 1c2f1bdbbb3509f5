import { ObjectId } from 'mongodb';
import { runExport, waitForJob } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { parseNdjson } from '../support/files';
import {
  asExported,
  closeDatabase,
  createAccount,
  exportOrder,
  insertActivities,
  makeActivities,
} from '../support/fixtures';
import { produceRawAt } from '../support/kafka-topics';
import { insertPendingJob, INTERNAL_TOPICS } from '../support/poison';

/**
 * Issue 9, point 2: what an export contains when data changes under it. An export is a snapshot of the activities
 * stored up to the second it was requested in; a re-read (after a crash) that does not continue exactly where the
 * files stand fails the job REPLAY_DIVERGED instead of writing a record twice or losing one.
 */
describe('exports of data that changes while they run', () => {
  afterAll(closeDatabase);

  it('leaves out activities stored after the export was requested, even inside its time window', async () => {
    const { accountId, key } = await createAccount('snapshot');
    const before = makeActivities(accountId, 120, 301);
    // Stored "an hour later", as seen by their ids (the platform's ObjectIds carry the time they were created at),
    // with activity times inside the exported window.
    const anHourLater = (Math.floor(Date.now() / 1000) + 3600).toString(16).padStart(8, '0');
    const later = makeActivities(accountId, 40, 302).map((activity, i) => ({
      ...activity,
      _id: new ObjectId(anHourLater + i.toString(16).padStart(16, '0')),
    }));
    await insertActivities([...before, ...later]);
    const job = await runExport(key, { name: 'snapshot', exportType: 'json', showAllProperties: true });
    expect(job.status).toBe('done');
    const files = await downloadAll(key, job);
    const exported = files.flatMap((file) => parseNdjson(file.text));
    expect(exported).toEqual(exportOrder(before).map(asExported));
  });

  it('fails a job whose re-read records differ from those already written (REPLAY_DIVERGED), writing nothing wrong', async () => {
    const { accountId, key } = await createAccount('diverged');
    const jobId = await insertPendingJob(accountId, 'diverged');
    const record = (i: number) => ({
      _id: ObjectId.createFromTime(1_600_000_000 + i).toHexString(),
      action: 'open',
      time: new Date(1_600_000_000_000 + i * 1000).toISOString(),
    });
    const output = {
      format: 'csv',
      showHeader: true,
      showAllProperties: false,
      compress: false,
      fileBaseName: 'diverged',
    };
    const batch = (over: Record<string, unknown>) =>
      JSON.stringify({
        jobId,
        accountId,
        batchSeq: 0,
        firstSeq: 0,
        records: [],
        final: false,
        output,
        delivery: { kind: 'internal' },
        ...over,
      });
    const first = [0, 1, 2, 3, 4].map(record);
    await produceRawAt(INTERNAL_TOPICS.records, jobId, batch({ records: first }));
    // The query read again from the start (it crashed before saving its checkpoint), and an activity appeared in the
    // part already read: sequence numbers alone would skip five records and write the last one, losing one.
    const reread = [first[0], first[1], record(100), first[2], first[3], first[4]];
    await produceRawAt(INTERNAL_TOPICS.records, jobId, batch({ records: reread, final: true, totalRecords: 6 }));
    const job = await waitForJob(key, jobId);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('REPLAY_DIVERGED');
    expect(job.files).toEqual([]);
  });
});

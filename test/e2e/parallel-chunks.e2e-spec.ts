import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExport } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { parseCsv } from '../support/files';
import { closeDatabase, createAccount, exportOrder, insertActivities, makeActivities } from '../support/fixtures';
import { TEST_STACK_ENV, stackCommand as stack } from '../support/test-stack';

/**
 * Issue 10, point 3: the chunks of one chunked export are written by several writer replicas at once (records keyed
 * by job and chunk), and the files stay exact, in order, each chunk once, whether they are delivered one by one
 * (uncompressed) or all together at the end (compressed, staged by two writers in whatever order).
 */
/** The chunks each writer process logged as staged for the job, by the writer's log file. */
function stagedBy(jobId: string): Record<string, number[]> {
  const result: Record<string, number[]> = {};
  for (const writer of ['writer', 'writer.2']) {
    const lines = readFileSync(join(TEST_STACK_ENV.STACK_DIR, 'logs', `${writer}.log`), 'utf8').split('\n');
    result[writer] = lines
      .filter((line) => line.includes('"chunk staged"') && line.includes(jobId))
      .map((line) => Number(/-part-(\d+)/.exec(JSON.parse(line).message.file)![1]));
  }
  return result;
}

describe('chunks of one export written by two writer replicas', () => {
  let account: { accountId: string; key: string };
  let activities: ReturnType<typeof makeActivities>;

  beforeAll(async () => {
    // A second writer joins the group; once it is ready (a member), the records topic's partitions are shared.
    stack('start-service', 'writer.2');
    account = await createAccount('parallel');
    activities = makeActivities(account.accountId, 6_000, 77);
    await insertActivities(activities);
  }, 180_000);

  afterAll(async () => {
    stack('stop-service', 'writer.2');
    await closeDatabase();
  });

  it.each([
    ['uncompressed, each file delivered as soon as it is staged', false],
    ['compressed, all files delivered together once every chunk is staged', true],
  ])(
    '%s',
    async (_, compress) => {
      // 24 chunks take the 6 partitions in turn (4 each): each writer, a member with partitions of its own, gets some.
      const job = await runExport(account.key, {
        name: `parallel-${compress ? 'gz' : 'csv'}`,
        exportType: 'csv',
        compress,
        limitRecordsPerFile: 250,
        columnHeaders: [{ name: '_id', label: 'id' }],
      });
      expect(job.status).toBe('done');
      expect(job.fileCount).toBe(24);
      const files = await downloadAll(account.key, job);
      expect(files.map((file) => file.name)).toEqual(
        Array.from(
          { length: 24 },
          (_, i) =>
            `parallel-${compress ? 'gz' : 'csv'}-part-${String(i + 1).padStart(5, '0')}.csv${compress ? '.gz' : ''}`,
        ),
      );
      const rows = files.flatMap((file) =>
        parseCsv(file.text)
          .slice(1)
          .map((row) => row[0]),
      );
      expect(rows).toEqual(exportOrder(activities).map((a) => a._id.toHexString()));

      const staged = stagedBy(job.jobId);
      expect(staged.writer.length).toBeGreaterThan(0);
      expect(staged['writer.2'].length).toBeGreaterThan(0);
      // Each chunk staged once, by one of them (a redelivery would stage the same chunk again, and log it twice).
      expect([...staged.writer, ...staged['writer.2']].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 24 }, (_, i) => i + 1),
      );
    },
    300_000,
  );
});

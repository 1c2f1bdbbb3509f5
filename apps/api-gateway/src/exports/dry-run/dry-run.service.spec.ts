import { MongoServerError } from 'mongodb';
import { ExportRequestedValue } from '@cae/contracts';
import { buildActivityFilter, Collections, Db, snapshotBound } from '@cae/mongo';
import { GatewayEnv } from '../../config/gateway-env';
import { RetryLaterError } from '../retry-later.error';
import { DRY_RUNS_PER_ACCOUNT, DryRunService } from './dry-run.service';

const request = (changes: Partial<ExportRequestedValue> = {}): ExportRequestedValue =>
  ({
    jobId: '00000000-0000-4000-8000-000000000000',
    accountId: 'acc',
    createdAt: '2026-01-02T03:04:05.678Z',
    filter: { actions: ['open'], timeframeStart: '2019-03-24T00:00:00.000Z' },
    output: { format: 'csv', showHeader: true, compress: false, fileBaseName: 'daily', limitRecordsPerFile: 100 },
    delivery: { kind: 'internal' },
    ...changes,
  }) as ExportRequestedValue;

function setup(count: () => Promise<{ n: number }[]>) {
  const aggregate = jest.fn((_pipeline: object[], _options: object) => ({ toArray: count }));
  const contacts = [{ cID: 'c-7' }, { cID: 'c-8' }];
  const find = jest.fn(() => ({ limit: () => ({ toArray: async () => contacts }) }));
  const db = {
    collection: (name: string) => (name === Collections.activities ? { aggregate } : { find }),
  } as unknown as Db;
  const sut = new DryRunService(db, { DRY_RUN_MAX_TIME_MS: 1234 } as GatewayEnv);
  return { sut, aggregate, find };
}

describe(DryRunService.name, () => {
  it('counts with the export’s own filter and snapshot, in the allowed time, and plans the files', async () => {
    const { sut, aggregate } = setup(async () => [{ n: 250 }]);
    const answer = await sut.plan(request(), true);
    const match = buildActivityFilter(
      'acc',
      request().filter,
      undefined,
      undefined,
      snapshotBound(request().createdAt),
    );
    expect(aggregate).toHaveBeenCalledWith([{ $match: match }, { $count: 'n' }], { maxTimeMS: 1234 });
    expect(answer).toEqual({
      dryRun: true,
      name: 'daily',
      count: 250,
      timedOut: false,
      fileCount: 3,
      files: [
        { name: 'daily-part-00001.csv', records: 100 },
        { name: 'daily-part-00002.csv', records: 100 },
        { name: 'daily-part-00003.csv', records: 50 },
      ],
      countedAt: '2026-01-02T03:04:05.678Z',
    });
  });

  it('resolves selected_contact into contact ids as the query service does', async () => {
    const { sut, aggregate, find } = setup(async () => []);
    const filter = { contact: 'someone@example.com' };
    expect((await sut.plan(request({ filter }), true)).count).toBe(0);
    expect(find).toHaveBeenCalledTimes(1);
    const [[pipeline]] = aggregate.mock.calls;
    const ids = ['someone@example.com', 'c-7', 'c-8'];
    const match = buildActivityFilter('acc', filter, ids, undefined, snapshotBound(request().createdAt));
    expect(pipeline).toEqual([{ $match: match }, { $count: 'n' }]);
  });

  it('answers timedOut when the database stopped the count at its maxTimeMS', async () => {
    const { sut } = setup(async () => {
      throw new MongoServerError({ message: 'operation exceeded time limit', code: 50 });
    });
    expect(await sut.plan(request(), true)).toMatchObject({ count: null, timedOut: true, fileCount: null, files: [] });
  });

  it('passes other database failures on', async () => {
    const { sut } = setup(async () => {
      throw new MongoServerError({ message: 'not authorized', code: 13 });
    });
    await expect(sut.plan(request(), true)).rejects.toThrow('not authorized');
  });

  it('shows the default name as export-xxxxxxxx: only the real request gets a job id', async () => {
    const { sut } = setup(async () => [{ n: 1 }]);
    const output = { format: 'json', showHeader: true, compress: true, fileBaseName: 'export-00000000' } as const;
    const answer = await sut.plan(request({ output: output as ExportRequestedValue['output'] }), false);
    expect(answer).toMatchObject({ name: null, files: [{ name: 'export-xxxxxxxx.json.gz', records: 1 }] });
  });

  it('lets an account count only a few dry runs at once on a replica (429), and frees its turn when done', async () => {
    const waiting: (() => void)[] = [];
    let blocking = true;
    const { sut } = setup(() =>
      blocking ? new Promise((resolve) => waiting.push(() => resolve([{ n: 1 }]))) : Promise.resolve([{ n: 1 }]),
    );
    const running = Array.from({ length: DRY_RUNS_PER_ACCOUNT }, () => sut.plan(request(), true));
    const refused = sut.plan(request(), true);
    await expect(refused).rejects.toBeInstanceOf(RetryLaterError);
    await refused.catch((error) => expect([error.getStatus(), error.retryAfterSeconds]).toEqual([429, 1]));
    const other = sut.plan(request({ accountId: 'other' }), true); // another account is not held up
    await new Promise((resolve) => setImmediate(resolve));
    expect(waiting).toHaveLength(DRY_RUNS_PER_ACCOUNT + 1);
    blocking = false;
    waiting.forEach((finish) => finish());
    await Promise.all([...running, other]);
    await expect(sut.plan(request(), true)).resolves.toMatchObject({ count: expect.any(Number) });
  });
});

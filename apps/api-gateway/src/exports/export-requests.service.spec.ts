import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { Collections } from '@cae/mongo';
import { GatewayEnv } from '../config/gateway-env';
import { ApiError } from '../http/api-error';
import { JobRepository } from '../jobs/job.repository';
import { ContactActivityExportDto } from './dto/contact-activity-export.dto';
import { DryRunService } from './dry-run/dry-run.service';
import { ExportRequests } from './export-requests.service';
import { ExportsService, JobAlreadyCreatedError, PreparedExport } from './exports.service';
import { IDEMPOTENCY_CLAIM_MS, IdempotencyRecord, idempotencyRecordId } from './idempotency/idempotency-record';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { RequestFingerprints } from './idempotency/request-fingerprint';
import { ExportQuota } from './quota/export-quota';
import { RetryLaterError } from './retry-later.error';
import { memoryDb } from './testing/memory-db';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const body = (changes: Record<string, unknown> = {}) =>
  plainToInstance(ContactActivityExportDto, { exportType: 'csv', name: 'daily', ...changes });

/** The export service as far as the controls see it: checks (may refuse), then creates the job in `jobs`. */
class FakeExports {
  refusal?: Error;
  commitFailure?: Error;
  readonly committed: string[] = [];
  readonly prepared: string[] = [];

  constructor(private readonly jobs: Map<unknown, Record<string, unknown>>) {}

  async prepare(accountId: string, dto: ContactActivityExportDto, jobId: string = randomUUID()) {
    await tick();
    if (this.refusal) throw this.refusal;
    this.prepared.push(jobId);
    const name = dto.name ?? `export-${jobId.slice(0, 8)}`;
    return { jobId, accountId, name, createdAt: new Date(), request: {}, dto } as unknown as PreparedExport;
  }

  async commit({ jobId, accountId, name }: PreparedExport) {
    await tick();
    if (this.commitFailure) throw this.commitFailure;
    if (this.jobs.has(jobId)) throw new JobAlreadyCreatedError(jobId);
    this.jobs.set(jobId, { _id: jobId, accountId, name, status: 'pending' });
    this.committed.push(jobId);
    return { jobId, name };
  }
}

function setup(limit = 10) {
  const memory = memoryDb();
  const jobs = memory.collection(Collections.jobs);
  const keys = memory.collection(Collections.idempotencyKeys);
  const exports = new FakeExports(jobs.docs);
  const jobRepository = { findOne: (accountId: string, jobId: string) => jobs.findOne({ _id: jobId, accountId }) };
  const dryRuns = { plan: jest.fn().mockResolvedValue({ dryRun: true }) };
  const sut = new ExportRequests(
    exports as unknown as ExportsService,
    new IdempotencyRepository(memory.db),
    new RequestFingerprints('ab'.repeat(32)),
    new ExportQuota(memory.db, { MAX_ACTIVE_EXPORTS_PER_ACCOUNT: limit } as GatewayEnv),
    jobRepository as unknown as JobRepository,
    dryRuns as unknown as DryRunService,
  );
  return { sut, exports, jobs, keys, dryRuns, slots: memory.collection(Collections.exportSlots) };
}

const codeOf = (error: unknown) => ((error as ApiError).getResponse() as { code: string }).code;

describe(ExportRequests.name, () => {
  describe('with an Idempotency-Key', () => {
    it('answers a retry with the same body with the job of the first request, and creates one job', async () => {
      const { sut, exports } = setup();
      const first = await sut.create('acc', body(), 'key-1');
      const retry = await sut.create('acc', body(), 'key-1');
      expect(first).toEqual({ jobId: expect.any(String), name: 'daily', replayed: false });
      expect(retry).toEqual({ ...first, replayed: true });
      expect(exports.committed).toEqual([first.jobId]);
    });

    it('creates one job for concurrent identical requests; the others wait for it (409) or get it', async () => {
      const { sut, exports } = setup();
      const answers = await Promise.allSettled(Array.from({ length: 6 }, () => sut.create('acc', body(), 'key-1')));
      expect(exports.committed).toHaveLength(1);
      const jobIds = answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value.jobId] : []));
      expect(new Set(jobIds)).toEqual(new Set(exports.committed));
      for (const answer of answers.filter((a) => a.status === 'rejected')) {
        const error = (answer as PromiseRejectedResult).reason;
        expect(error).toBeInstanceOf(RetryLaterError);
        expect([codeOf(error), (error as RetryLaterError).getStatus(), error.retryAfterSeconds]).toEqual([
          'IDEMPOTENCY_REQUEST_IN_PROGRESS',
          409,
          1,
        ]);
      }
    });

    it('refuses another body with the same key (422) and creates nothing', async () => {
      const { sut, exports } = setup();
      await sut.create('acc', body(), 'key-1');
      const reused = sut.create('acc', body({ compress: true }), 'key-1');
      await expect(reused).rejects.toMatchObject({ status: 422 });
      await reused.catch((error) => expect(codeOf(error)).toBe('IDEMPOTENCY_KEY_REUSED'));
      expect(exports.committed).toHaveLength(1);
    });

    it('takes the same body with its keys in another order for the same request', async () => {
      const { sut, exports } = setup();
      await sut.create('acc', plainToInstance(ContactActivityExportDto, { name: 'a', exportType: 'csv' }), 'k');
      const retry = await sut.create(
        'acc',
        plainToInstance(ContactActivityExportDto, { exportType: 'csv', name: 'a' }),
        'k',
      );
      expect(retry.replayed).toBe(true);
      expect(exports.committed).toHaveLength(1);
    });

    it('keeps keys per account: another account’s same key makes its own job', async () => {
      const { sut, exports } = setup();
      const a = await sut.create('acc-a', body(), 'shared');
      const b = await sut.create('acc-b', body({ compress: true }), 'shared');
      expect(b.jobId).not.toBe(a.jobId);
      expect(b.replayed).toBe(false);
      expect(exports.committed).toHaveLength(2);
    });

    it('does not use the key up on a refused request: the next request with it is a new one', async () => {
      const { sut, exports, keys } = setup();
      exports.refusal = new ApiError(400, 'VALIDATION_FAILED', 'invalid request: destination.server');
      await expect(sut.create('acc', body(), 'key-1')).rejects.toMatchObject({ status: 400 });
      expect(keys.docs.size).toBe(0);
      exports.refusal = undefined;
      const created = await sut.create('acc', body({ compress: true }), 'key-1');
      expect(created.replayed).toBe(false);
    });

    it('gives the key back when the quota refuses, so that the retry once a job ended is served', async () => {
      const { sut, exports, jobs, keys } = setup(1);
      const running = await sut.create('acc', body({ name: 'running' }));
      const refused = sut.create('acc', body(), 'key-1');
      await expect(refused).rejects.toBeInstanceOf(RetryLaterError);
      await refused.catch((error) => {
        expect([codeOf(error), error.getStatus(), error.retryAfterSeconds]).toEqual([
          'TOO_MANY_ACTIVE_EXPORTS',
          429,
          30,
        ]);
      });
      expect(keys.docs.size).toBe(0);
      jobs.docs.get(running.jobId)!.status = 'done';
      expect(await sut.create('acc', body(), 'key-1')).toMatchObject({ replayed: false });
      expect(exports.committed).toHaveLength(2);
    });

    it('gives the key and the slot back when the job could not be created, so that the retry creates it', async () => {
      const { sut, exports, keys, slots } = setup(1);
      exports.commitFailure = new ApiError(503, 'QUEUE_UNAVAILABLE', 'the export queue is unavailable');
      await expect(sut.create('acc', body(), 'key-1')).rejects.toMatchObject({ status: 503 });
      expect([keys.docs.size, slots.docs.size]).toEqual([0, 0]);
      exports.commitFailure = undefined;
      expect(await sut.create('acc', body(), 'key-1')).toMatchObject({ replayed: false });
    });

    it('overwrites a record past its 24 hours: the key names a new job', async () => {
      const { sut, exports, keys } = setup();
      const first = await sut.create('acc', body(), 'key-1');
      const record = keys.docs.get(idempotencyRecordId('acc', 'key-1'))!;
      record.expiresAt = new Date(Date.now() - 1);
      const later = await sut.create('acc', body({ compress: true }), 'key-1');
      expect(later.jobId).not.toBe(first.jobId);
      expect(exports.committed).toHaveLength(2);
    });

    describe('after the attempt that claimed the key went silent', () => {
      const abandoned = (jobId: string): IdempotencyRecord => {
        const claimedAt = new Date(Date.now() - IDEMPOTENCY_CLAIM_MS - 1);
        return {
          _id: idempotencyRecordId('acc', 'key-1'),
          accountId: 'acc',
          key: 'key-1',
          fingerprint: new RequestFingerprints('ab'.repeat(32)).of(body()).value,
          fingerprintKeyId: new RequestFingerprints('ab'.repeat(32)).keyId,
          jobId,
          state: 'pending',
          claimToken: 'dead',
          claimedAt,
          createdAt: claimedAt,
          expiresAt: new Date(claimedAt.getTime() + 86_400_000),
        };
      };

      it('answers the job it made before it died', async () => {
        const { sut, exports, jobs, keys } = setup();
        const jobId = randomUUID();
        keys.docs.set(idempotencyRecordId('acc', 'key-1'), { ...abandoned(jobId) });
        jobs.docs.set(jobId, { _id: jobId, accountId: 'acc', name: 'daily', status: 'processing' });
        expect(await sut.create('acc', body(), 'key-1')).toEqual({ jobId, name: 'daily', replayed: true });
        expect(exports.committed).toEqual([]);
        expect(keys.docs.get(idempotencyRecordId('acc', 'key-1'))).toMatchObject({ state: 'done', name: 'daily' });
      });

      it('makes the job itself, with the id the key holds, when the first attempt made none', async () => {
        const { sut, exports, keys } = setup();
        const jobId = randomUUID();
        keys.docs.set(idempotencyRecordId('acc', 'key-1'), { ...abandoned(jobId) });
        expect(await sut.create('acc', body(), 'key-1')).toEqual({ jobId, name: 'daily', replayed: false });
        expect(exports.committed).toEqual([jobId]);
      });

      it('answers the job when the silent attempt makes it after all, between the take-over and the insert', async () => {
        const { sut, exports, jobs, keys } = setup();
        const jobId = randomUUID();
        keys.docs.set(idempotencyRecordId('acc', 'key-1'), { ...abandoned(jobId) });
        const prepare = exports.prepare.bind(exports);
        exports.prepare = async (...args: Parameters<FakeExports['prepare']>) => {
          const prepared = await prepare(...args);
          jobs.docs.set(jobId, { _id: jobId, accountId: 'acc', name: 'daily', status: 'pending' }); // the late insert
          return prepared;
        };
        expect(await sut.create('acc', body(), 'key-1')).toEqual({ jobId, name: 'daily', replayed: true });
        expect(exports.committed).toEqual([]);
        expect(jobs.docs.size).toBe(1);
      });

      it('makes a new job when the first one was never queued (its client was told 503: retry)', async () => {
        const { sut, exports, jobs, keys } = setup();
        const jobId = randomUUID();
        keys.docs.set(idempotencyRecordId('acc', 'key-1'), { ...abandoned(jobId) });
        jobs.docs.set(jobId, {
          _id: jobId,
          accountId: 'acc',
          name: 'daily',
          status: 'failed',
          error: { code: 'QUEUE_UNAVAILABLE' },
        });
        const created = await sut.create('acc', body(), 'key-1');
        expect(created.replayed).toBe(false);
        expect(created.jobId).not.toBe(jobId);
        expect(exports.committed).toEqual([created.jobId]);
      });
    });
  });

  describe('without a key', () => {
    it('creates a job per request, within the quota', async () => {
      const { sut, exports, keys } = setup(2);
      await sut.create('acc', body());
      await sut.create('acc', body());
      await expect(sut.create('acc', body())).rejects.toMatchObject({ status: 429 });
      expect(exports.committed).toHaveLength(2);
      expect(keys.docs.size).toBe(0);
    });
  });

  describe('a dry run', () => {
    it('checks the request and counts, creating nothing and taking no slot', async () => {
      const { sut, exports, slots, dryRuns } = setup(1);
      await sut.dryRun('acc', body({ dryRun: true }));
      expect(exports.prepared).toHaveLength(1);
      expect(dryRuns.plan).toHaveBeenCalledTimes(1);
      expect([exports.committed, slots.docs.size]).toEqual([[], 0]);
    });

    it('is refused with an audience (400), before anything is read', async () => {
      const { sut, exports, dryRuns } = setup();
      const refused = sut.dryRun('acc', body({ dryRun: true, selected_audience_key: 'vip' }));
      await expect(refused).rejects.toMatchObject({
        status: 400,
        response: expect.objectContaining({ fields: [expect.objectContaining({ field: 'dryRun' })] }),
      });
      expect([exports.prepared, dryRuns.plan.mock.calls]).toEqual([[], []]);
    });
  });
});

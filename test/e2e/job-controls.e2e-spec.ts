import { randomUUID } from 'node:crypto';
import { api, ApiResponse, basicAuth, waitForJob } from '../support/api';
import { closeDatabase, createAccount, database } from '../support/fixtures';
import { API_URL, TEST_STACK_ENV, stackCommand as stack } from '../support/test-stack';

/**
 * Issue 12, the controls of API callers on POST /v2/contactactivityexport: the Idempotency-Key and the per-account
 * quota of active exports, on two gateway replicas sharing one database. The query service is stopped while they
 * run, so that every job created stays `pending` for as long as a test needs (nothing depends on timing); it is
 * started again at the end, and the jobs made here are waited for.
 */
/** The second gateway replica (stack.sh moves replica N's port by 50 * (N - 1)). */
const REPLICA_2 = `http://127.0.0.1:${Number(TEST_STACK_ENV.PORT) + 50}`;
const LIMIT = Number(TEST_STACK_ENV.MAX_ACTIVE_EXPORTS_PER_ACCOUNT);
const PATH = '/v2/contactactivityexport';

/** POSTs an export to one replica, with an Idempotency-Key when given. */
async function post(
  key: string,
  body: unknown,
  options: { idempotencyKey?: string; base?: string; headers?: [string, string][] } = {},
): Promise<ApiResponse> {
  const headers = new Headers({ authorization: basicAuth(key), 'content-type': 'application/json' });
  if (options.idempotencyKey !== undefined) headers.set('idempotency-key', options.idempotencyKey);
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  const response = await fetch(`${options.base ?? API_URL}${PATH}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

async function jobsOf(accountId: string): Promise<{ _id: string; status: string }[]> {
  return (await database())
    .collection<{ _id: string; status: string }>('jobs')
    .find({ accountId }, { projection: { status: 1 } })
    .toArray();
}

const exportBody = (name: string) => ({ name, exportType: 'csv', selected_action_name: 'open' });

describe('job controls for API callers (issue 12)', () => {
  const created: { key: string; jobId: string }[] = [];
  const keep = (key: string, response: ApiResponse) => {
    if (response.status === 202) created.push({ key, jobId: response.body.jobId as string });
    return response;
  };

  beforeAll(() => {
    stack('start-service', 'api-gateway.2');
    stack('stop-service', 'query');
  }, 300_000);

  afterAll(async () => {
    try {
      stack('start-service', 'query');
      // Every job made here ends before the next suite starts, so none of them is in its way.
      for (const { key, jobId } of created) await waitForJob(key, jobId);
    } finally {
      stack('stop-service', 'api-gateway.2');
      await closeDatabase();
    }
  }, 600_000);

  describe('Idempotency-Key', () => {
    it('answers a retry with the same body with the first job, on either replica, and stores one job', async () => {
      const { accountId, key } = await createAccount('idem-retry');
      const idempotencyKey = randomUUID();
      const first = keep(key, await post(key, exportBody('retried'), { idempotencyKey }));
      expect(first.status).toBe(202);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      for (const base of [API_URL, REPLICA_2]) {
        const retry = await post(key, exportBody('retried'), { idempotencyKey, base });
        expect([retry.status, retry.body]).toEqual([202, first.body]);
        expect(retry.headers.get('location')).toBe(first.headers.get('location'));
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
      }
      expect(await jobsOf(accountId)).toEqual([{ _id: first.body.jobId, status: 'pending' }]);
    });

    it('makes one job of identical requests sent at once to both replicas; the others wait for it or get it', async () => {
      const { accountId, key } = await createAccount('idem-race');
      const idempotencyKey = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          post(key, exportBody('raced'), { idempotencyKey, base: i % 2 ? REPLICA_2 : API_URL }),
        ),
      );
      const jobs = await jobsOf(accountId);
      expect(jobs).toHaveLength(1);
      created.push({ key, jobId: jobs[0]._id });
      for (const answer of answers) {
        if (answer.status === 202) {
          expect(answer.body).toEqual({ jobId: jobs[0]._id, name: 'raced', status: 'pending' });
        } else {
          expect([answer.status, answer.body.code]).toEqual([409, 'IDEMPOTENCY_REQUEST_IN_PROGRESS']);
          expect(answer.headers.get('retry-after')).toBe('1');
        }
      }
      expect(answers.some((answer) => answer.status === 202)).toBe(true);
      // Once the first request is done, every retry gets its job.
      const later = await post(key, exportBody('raced'), { idempotencyKey, base: REPLICA_2 });
      expect([later.status, later.body.jobId]).toEqual([202, jobs[0]._id]);
    });

    it('refuses another body with the same key (422) and stores nothing more', async () => {
      const { accountId, key } = await createAccount('idem-reuse');
      const idempotencyKey = randomUUID();
      keep(key, await post(key, exportBody('first'), { idempotencyKey }));
      const reused = await post(key, { ...exportBody('first'), compress: true }, { idempotencyKey, base: REPLICA_2 });
      expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
      expect(await jobsOf(accountId)).toHaveLength(1);
    });

    it('frees a key after its 24 hours, and takes over a key whose first attempt died, with that attempt’s job id', async () => {
      const { accountId, key } = await createAccount('idem-expiry');
      const idempotencyKey = randomUUID();
      const first = keep(key, await post(key, exportBody('day-one'), { idempotencyKey }));
      const records = (await database()).collection<{ _id: string }>('idempotency_keys');
      const _id = JSON.stringify([accountId, idempotencyKey]);
      // A day later (the record's expiry moved back rather than waiting): another body is a new request.
      await records.updateOne({ _id }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
      const nextDay = keep(key, await post(key, exportBody('day-two'), { idempotencyKey, base: REPLICA_2 }));
      expect(nextDay.status).toBe(202);
      expect(nextDay.body.jobId).not.toBe(first.body.jobId);
      // A claim left pending for over a minute by an attempt that never made its job: the retry makes it, with the
      // id the claim holds (so that a late insert by that attempt could only collide with it).
      const abandonedJobId = randomUUID();
      await records.updateOne(
        { _id },
        { $set: { state: 'pending', jobId: abandonedJobId, claimedAt: new Date(Date.now() - 120_000) } },
      );
      const takenOver = keep(key, await post(key, exportBody('day-two'), { idempotencyKey }));
      expect([takenOver.status, takenOver.body.jobId]).toEqual([202, abandonedJobId]);
      expect((await jobsOf(accountId)).map((job) => job._id).sort()).toEqual(
        [first.body.jobId, nextDay.body.jobId, abandonedJobId].sort(),
      );
    });

    it('refuses a malformed key with 400 naming the header, creating nothing', async () => {
      const { accountId, key } = await createAccount('idem-bad');
      const cases: [string, { idempotencyKey?: string; headers?: [string, string][] }][] = [
        ['too long', { idempotencyKey: 'k'.repeat(256) }],
        ['a space', { idempotencyKey: 'two words' }],
        ['a slash', { idempotencyKey: 'a/b' }],
        [
          'sent twice',
          {
            headers: [
              ['idempotency-key', 'one'],
              ['idempotency-key', 'two'],
            ],
          },
        ],
      ];
      for (const [what, options] of cases) {
        const refused = await post(key, exportBody('bad-key'), options);
        expect({ what, status: refused.status, body: refused.body }).toEqual({
          what,
          status: 400,
          body: expect.objectContaining({
            code: 'VALIDATION_FAILED',
            fields: [expect.objectContaining({ field: 'Idempotency-Key' })],
          }),
        });
      }
      expect(await jobsOf(accountId)).toEqual([]);
    });

    it('does not use a key up on a refused request, and keeps keys per account', async () => {
      const { accountId, key } = await createAccount('idem-refused');
      const other = await createAccount('idem-other');
      const idempotencyKey = randomUUID();
      const refused = await post(key, { ...exportBody('x'), selected_action_name: 'nope' }, { idempotencyKey });
      expect(refused.status).toBe(400);
      const accepted = keep(key, await post(key, exportBody('after-refusal'), { idempotencyKey }));
      expect([accepted.status, accepted.headers.get('idempotent-replayed')]).toEqual([202, null]);
      // Another account's same key is its own, even with another body.
      const theirs = keep(other.key, await post(other.key, exportBody('theirs'), { idempotencyKey }));
      expect(theirs.status).toBe(202);
      expect(theirs.body.jobId).not.toBe(accepted.body.jobId);
      expect(await jobsOf(accountId)).toHaveLength(1);
      expect(await jobsOf(other.accountId)).toHaveLength(1);
    });
  });

  describe('MAX_ACTIVE_EXPORTS_PER_ACCOUNT', () => {
    it('refuses the export one beyond the limit with 429 and Retry-After, on every replica', async () => {
      const { accountId, key } = await createAccount('quota');
      const idempotencyKey = randomUUID();
      for (let i = 0; i < LIMIT; i++) {
        const options = i === 0 ? { idempotencyKey } : {};
        expect(keep(key, await post(key, exportBody(`q${i}`), options)).status).toBe(202);
      }
      for (const base of [API_URL, REPLICA_2]) {
        const refused = await post(key, exportBody('one-too-many'), { base });
        expect([refused.status, refused.body.code]).toEqual([429, 'TOO_MANY_ACTIVE_EXPORTS']);
        expect(refused.headers.get('retry-after')).toBe('30');
      }
      // The retry of an accepted request is answered (its job exists); a dry run creates nothing and is answered.
      const retry = await post(key, exportBody('q0'), { idempotencyKey, base: REPLICA_2 });
      expect([retry.status, retry.headers.get('idempotent-replayed')]).toEqual([202, 'true']);
      const dryRun = await api('POST', PATH, { key, body: { ...exportBody('dry'), dryRun: true } });
      expect(dryRun.status).toBe(200);
      const jobs = await jobsOf(accountId);
      expect(jobs).toHaveLength(LIMIT);
      expect(new Set(jobs.map((job) => job.status))).toEqual(new Set(['pending']));
    });

    it('admits exactly the limit of a burst sent to both replicas at once', async () => {
      const { accountId, key } = await createAccount('quota-race');
      const answers = await Promise.all(
        Array.from({ length: 2 * LIMIT }, (_, i) =>
          post(key, exportBody(`race${i}`), { base: i % 2 ? REPLICA_2 : API_URL }),
        ),
      );
      for (const answer of answers) keep(key, answer);
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([...Array(LIMIT).fill(202), ...Array(LIMIT).fill(429)]);
      expect(await jobsOf(accountId)).toHaveLength(LIMIT);
    });

    it('admits new exports once the active ones ended', async () => {
      const { key } = await createAccount('quota-refill');
      const mine: string[] = [];
      for (let i = 0; i < LIMIT; i++) mine.push(keep(key, await post(key, exportBody(`r${i}`))).body.jobId as string);
      expect((await post(key, exportBody('blocked'))).status).toBe(429);
      stack('start-service', 'query'); // the last test: the query service stays up
      for (const jobId of mine) expect((await waitForJob(key, jobId)).status).toBe('done');
      const admitted = keep(key, await post(key, exportBody('after'), { base: REPLICA_2 }));
      expect(admitted.status).toBe(202);
      expect((await waitForJob(key, admitted.body.jobId as string)).status).toBe('done');
    });
  });
});

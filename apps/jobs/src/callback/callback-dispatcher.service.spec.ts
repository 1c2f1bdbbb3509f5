import { Logger } from '@nestjs/common';
import { Db, FINAL_JOB_STATUSES, JobDocument } from '@cae/mongo';
import { CallbackSecretStore, CallbackSecretUnreadableError, CredentialCipher } from '@cae/secrets';
import { JobsEnv } from '../config/jobs-env';
import { CallbackDispatcher } from './callback-dispatcher.service';
import { CallbackRetryPolicy } from './callback-retry-policy';
import { AttemptOutcome, CallbackSender } from './callback-sender';
import { documentedVerifier } from './testing/documented-verifier';

// The verification snippet of the documentation, exactly as receivers copy it.
const verifyCallback = documentedVerifier();

const CIPHER = new CredentialCipher('11'.repeat(32));
const HOOK = 'https://hooks.example.com/done?token=secret-token';

/** An ended job as the gateway stores it: the request shows the callbackUrl's origin, the callback holds it sealed. */
function endedJob(id: string, accountId = 'acc', attempts = 0): JobDocument {
  return {
    _id: id,
    accountId,
    jobName: 'contactactivityexport',
    name: `job_${id}`,
    status: 'done',
    totalItems: 3,
    completedItems: 3,
    fileCount: 1,
    createdAt: new Date('2024-05-01T10:00:00Z'),
    startedAt: new Date('2024-05-01T10:00:01Z'),
    endedAt: new Date('2024-05-01T10:00:05Z'),
    request: { exportType: 'csv', callbackUrl: 'https://hooks.example.com/[REDACTED]' },
    callback: { state: 'pending', eventId: `evt-${id}`, attempts, sealedUrl: CIPHER.seal(HOOK, id) },
  };
}

/**
 * The jobs collection as the dispatcher uses it: `claimable` are handed out in order by findOneAndUpdate (each once,
 * unless its account is excluded), every call recorded.
 */
function setup(options: { claimable: JobDocument[]; outcomes?: AttemptOutcome[]; secrets?: string[] | Error }) {
  const queue = [...options.claimable];
  const claims: Record<string, unknown>[] = [];
  const updates: { filter: Record<string, unknown>; update: Record<string, Record<string, unknown>> }[] = [];
  const collection = {
    findOneAndUpdate: jest.fn(async (filter: Record<string, unknown>, update: { $set: Record<string, unknown> }) => {
      claims.push(filter);
      const excluded = ((filter.accountId as { $nin?: string[] } | undefined)?.$nin ?? []) as string[];
      const index = queue.findIndex((job) => !excluded.includes(job.accountId));
      if (index < 0) return null;
      const [job] = queue.splice(index, 1);
      return { ...job, callback: { ...job.callback!, claimId: update.$set['callback.claimId'] } };
    }),
    updateOne: jest.fn(async (filter: Record<string, unknown>, update: Record<string, Record<string, unknown>>) => {
      updates.push({ filter, update });
      return { matchedCount: 1 };
    }),
  };
  const db = { collection: () => collection } as unknown as Db;
  const env = Object.assign(new JobsEnv(), {
    CALLBACK_CONCURRENCY: 2,
    CALLBACK_TIMEOUT_MS: 1_000,
    PUBLIC_BASE_URL: 'https://api.example.com',
  });
  const sent: { url: string; body: string; headers: Record<string, string> }[] = [];
  const outcomes = [...(options.outcomes ?? [])];
  let release: () => void = () => undefined;
  const sender = {
    send: jest.fn(async (url: string, body: string, headers: Record<string, string>) => {
      sent.push({ url, body, headers });
      return outcomes.shift() ?? { delivered: true, status: 200 };
    }),
    hold: () => {
      const held = new Promise<void>((resolve) => (release = resolve));
      sender.send.mockImplementationOnce(async (url, body, headers) => {
        sent.push({ url, body, headers });
        await held;
        return { delivered: true, status: 200 };
      });
      return () => release();
    },
  };
  const secrets = {
    signingSecrets: jest.fn(async () => {
      if (options.secrets instanceof Error) throw options.secrets;
      return options.secrets ?? ['cbsec_current'];
    }),
  };
  const retries = new CallbackRetryPolicy(3, 1_000, 8_000, () => 0);
  const sut = new CallbackDispatcher(
    db,
    env,
    sender as unknown as CallbackSender,
    secrets as unknown as CallbackSecretStore,
    retries,
    CIPHER,
  );
  return { sut, claims, updates, sent, sender };
}

describe(CallbackDispatcher.name, () => {
  const logged: unknown[] = [];
  beforeEach(() => {
    logged.length = 0;
    for (const level of ['log', 'warn'] as const)
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logged.push(args[0]));
  });
  afterEach(() => jest.restoreAllMocks());

  it('claims only pending callbacks of jobs in a final state, whatever the final states are', async () => {
    const { sut, claims } = setup({ claimable: [] });
    await sut.tick();
    expect(claims[0]).toMatchObject({
      'callback.state': 'pending',
      status: { $in: [...FINAL_JOB_STATUSES] },
    });
    expect(FINAL_JOB_STATUSES).toEqual(expect.arrayContaining(['done', 'failed']));
  });

  it('sends the signed event and records it delivered, by the claim it holds', async () => {
    const { sut, sent, updates } = setup({ claimable: [endedJob('j1')] });
    await sut.tick();
    expect(sent).toHaveLength(1);
    const [{ url, body, headers }] = sent;
    expect(url).toBe('https://hooks.example.com/done?token=secret-token');
    expect(verifyCallback('cbsec_current', headers['x-signature'], body)).toBe(true);
    expect(JSON.parse(body)).toEqual({
      eventId: 'evt-j1',
      type: 'job.ended',
      occurredAt: '2024-05-01T10:00:05.000Z',
      job: {
        jobId: 'j1',
        jobName: 'contactactivityexport',
        name: 'job_j1',
        status: 'done',
        totalItems: 3,
        completedItems: 3,
        fileCount: 1,
        createdAt: '2024-05-01T10:00:00.000Z',
        startedAt: '2024-05-01T10:00:01.000Z',
        endedAt: '2024-05-01T10:00:05.000Z',
        url: 'https://api.example.com/v2/jobs/j1',
      },
    });
    expect(headers).toMatchObject({
      'x-event-id': 'evt-j1',
      'x-callback-attempt': '1',
      'content-type': 'application/json',
    });
    expect(updates).toHaveLength(1);
    expect(updates[0].filter).toEqual({
      _id: 'j1',
      'callback.state': 'pending',
      'callback.claimId': expect.any(String),
    });
    expect(updates[0].update.$set).toMatchObject({ 'callback.state': 'delivered', 'callback.attempts': 1 });
    // Logged with the job, the account and the receiver's host; never its token, the secret or the signature.
    expect(logged).toEqual([
      expect.objectContaining({
        message: 'callback delivered',
        jobId: 'j1',
        accountId: 'acc',
        host: 'hooks.example.com',
      }),
    ]);
    expect(JSON.stringify(logged)).not.toMatch(/secret-token|cbsec_|v1=|\/done/);
  });

  it('sends a job stored before URLs were sealed to the URL in its request', async () => {
    const legacy = endedJob('j1');
    legacy.request = { exportType: 'csv', callbackUrl: 'https://hooks.example.com/old?token=t' };
    delete legacy.callback!.sealedUrl;
    const { sut, sent } = setup({ claimable: [legacy] });
    await sut.tick();
    expect(sent.map(({ url }) => url)).toEqual(['https://hooks.example.com/old?token=t']);
  });

  it('abandons a callback whose sealed URL does not open (sealed for another job, or with a retired key)', async () => {
    const copied = endedJob('j1');
    copied.callback!.sealedUrl = CIPHER.seal(HOOK, 'another-job');
    const otherKey = endedJob('j2');
    otherKey.callback!.sealedUrl = new CredentialCipher('22'.repeat(32)).seal(HOOK, 'j2');
    const { sut, sent, updates } = setup({ claimable: [copied, otherKey] });
    await sut.tick();
    expect(sent).toEqual([]);
    for (const { update } of updates)
      expect(update.$set).toMatchObject({
        'callback.state': 'abandoned',
        'callback.lastError': 'the sealed callbackUrl does not open with CREDENTIALS_KEY',
      });
    expect(updates).toHaveLength(2);
  });

  it('carries the error of a failed job, and the same event id on every attempt', async () => {
    const failed = {
      ...endedJob('j2', 'acc', 1),
      status: 'failed' as const,
      error: { code: 'AUTH_FAILED', message: 'wrong password' },
    };
    const { sut, sent } = setup({ claimable: [failed] });
    await sut.tick();
    const event = JSON.parse(sent[0].body);
    expect(event).toMatchObject({
      eventId: 'evt-j2',
      job: { status: 'failed', error: { code: 'AUTH_FAILED', message: 'wrong password' } },
    });
    expect(sent[0].headers['x-callback-attempt']).toBe('2');
  });

  it('schedules the next attempt with backoff after a failure, and abandons after the last one', async () => {
    const failure: AttemptOutcome = { delivered: false, retriable: true, status: 500, reason: 'answered HTTP 500' };
    const { sut, updates } = setup({
      claimable: [endedJob('j1', 'a', 0), endedJob('j2', 'b', 2)],
      outcomes: [failure, failure],
    });
    const before = Date.now();
    await sut.tick();
    const byJob = Object.fromEntries(updates.map(({ filter, update }) => [filter._id as string, update.$set]));
    expect(byJob.j1).toMatchObject({
      'callback.state': 'pending',
      'callback.attempts': 1,
      'callback.lastError': 'answered HTTP 500',
    });
    // The policy's first wait, with this test's jitter at its lowest: half the base.
    expect((byJob.j1['callback.nextAttemptAt'] as Date).getTime()).toBeGreaterThanOrEqual(before + 500);
    expect(byJob.j2).toMatchObject({ 'callback.state': 'abandoned', 'callback.attempts': 3 });
    expect(byJob.j2['callback.nextAttemptAt']).toBeUndefined();
  });

  it('abandons at once what no retry can fix (an invalid URL), and retries a missing or unreadable secret', async () => {
    const invalid: AttemptOutcome = {
      delivered: false,
      retriable: false,
      reason: 'callbackUrl must be an https:// URL',
    };
    const first = setup({ claimable: [endedJob('j1')], outcomes: [invalid] });
    await first.sut.tick();
    expect(first.updates[0].update.$set).toMatchObject({ 'callback.state': 'abandoned', 'callback.attempts': 1 });

    const none = setup({ claimable: [endedJob('j1')], secrets: [] });
    await none.sut.tick();
    expect(none.sent).toEqual([]);
    expect(none.updates[0].update.$set).toMatchObject({
      'callback.state': 'pending',
      'callback.lastError': 'the account has no callback secret',
    });

    const unreadable = setup({
      claimable: [endedJob('j1')],
      secrets: new CallbackSecretUnreadableError('does not open'),
    });
    await unreadable.sut.tick();
    expect(unreadable.updates[0].update.$set).toMatchObject({
      'callback.state': 'pending',
      'callback.lastError': 'does not open',
    });
  });

  it('counts nothing when the database fails: the claim lapses and the callback is tried again', async () => {
    const { sut, sent, updates } = setup({ claimable: [endedJob('j1')], secrets: new Error('database away') });
    await sut.tick();
    expect(sent).toEqual([]);
    expect(updates).toEqual([]);
  });

  it('sends one callback of an account at a time, and the others meanwhile', async () => {
    const { sut, sender, claims, sent } = setup({
      claimable: [endedJob('j1', 'slow'), endedJob('j2', 'slow'), endedJob('j3', 'other')],
    });
    const release = sender.hold();
    const pass = sut.tick();
    for (let i = 0; i < 50 && sent.length < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    // j1 hangs; the second worker skipped j2 (same account) and sent j3.
    expect(sent.map(({ body }) => JSON.parse(body).job.jobId)).toEqual(['j1', 'j3']);
    expect(claims.some((filter) => JSON.stringify(filter.accountId) === JSON.stringify({ $nin: ['slow'] }))).toBe(true);
    release();
    await pass;
    expect(sent.map(({ body }) => JSON.parse(body).job.jobId).sort()).toEqual(['j1', 'j2', 'j3']);
  });

  it('on shutdown takes no new callback and lets the one under way finish and be recorded', async () => {
    const { sut, sender, sent, updates } = setup({ claimable: [endedJob('j1', 'a'), endedJob('j2', 'a')] });
    const release = sender.hold();
    void sut.tick();
    for (let i = 0; i < 50 && sent.length < 1; i++) await new Promise((resolve) => setImmediate(resolve));
    const stopped = sut.beforeApplicationShutdown();
    release();
    await stopped;
    expect(sent).toHaveLength(1);
    expect(updates).toHaveLength(1);
    expect(updates[0].update.$set).toMatchObject({ 'callback.state': 'delivered' });
  });
});

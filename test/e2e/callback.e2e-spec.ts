import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { api, JobView, waitForJob } from '../support/api';
import { SFTP } from '../support/destinations';
import { readTopics } from '../support/kafka-topics';
import { closeDatabase, createAccount, database, insertActivities, makeActivities } from '../support/fixtures';
import { API_URL, ROOT, TEST_STACK_ENV, stackCommand as stack } from '../support/test-stack';

// The verification snippet of the documentation, as a receiver copies it.
const { verifyCallback } = require(join(ROOT, 'docs', 'examples', 'verify-callback.js')) as {
  verifyCallback: (secret: string, header: string | undefined, rawBody: string | Buffer) => boolean;
};

interface Arrival {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** What the receiver answered; null while it holds the request (a receiver that never answers). */
  answered: number | null;
}

type Behaviour = (arrivalIndex: number) => number | 'hang';

/**
 * The customer's HTTPS receiver, inside this process on 127.0.0.1: the test stack's self-signed certificate for
 * 127.0.0.1 (deploy/local/test-servers/servers.py `keys`), which its services trust (NODE_EXTRA_CA_CERTS). Each
 * test uses a path of its own, with a behaviour of its own.
 */
class Receiver {
  readonly arrivals: Arrival[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private server?: Server;
  private port = 0;

  async start(): Promise<void> {
    const folder = join(TEST_STACK_ENV.STACK_DIR, 'destinations');
    this.server = createServer(
      { key: readFileSync(join(folder, 'ftp-tls.key')), cert: readFileSync(join(folder, 'ftp-tls.pem')) },
      (request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const path = request.url ?? '';
          const index = this.arrivalsAt(path.split('?')[0]).length;
          const arrival: Arrival = { path, headers: request.headers, body: Buffer.concat(chunks), answered: null };
          this.arrivals.push(arrival);
          const answer = (this.behaviours.get(path.split('?')[0]) ?? (() => 200))(index);
          if (answer === 'hang') return;
          arrival.answered = answer;
          response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'thanks' : 'try again');
        });
      },
    );
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** A fresh path of this receiver, answered as `behaviour` says (200 by default); its UUID is a receiver token. */
  endpoint(behaviour?: Behaviour): { url: string; path: string } {
    const token = randomUUID();
    receiverTokens.push(token);
    const path = `/hooks/${token}`;
    if (behaviour) this.behaviours.set(path, behaviour);
    return { path, url: `https://127.0.0.1:${this.port}${path}` };
  }

  arrivalsAt(path: string): Arrival[] {
    return this.arrivals.filter((arrival) => arrival.path.split('?')[0] === path);
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The job's callback as the jobs service keeps it (the API does not show it). */
async function storedCallback(jobId: string): Promise<Record<string, unknown> | undefined> {
  const job = await (await database()).collection('jobs').findOne({ _id: jobId as never });
  return job?.callback as Record<string, unknown> | undefined;
}

function waitForCallbackState(jobId: string, state: string): Promise<Record<string, unknown>> {
  return waitFor(`the callback of ${jobId} to be ${state}`, async () => {
    const callback = await storedCallback(jobId);
    return callback?.state === state ? callback : undefined;
  });
}

async function startExport(key: string, body: Record<string, unknown>): Promise<string> {
  const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', { key, body });
  if (created.status !== 202) throw new Error(`export refused: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.jobId;
}

/** Every callback secret the suite was given, to search for where it must not be. */
const issuedSecrets: string[] = [];
/** Tokens the receiver's URLs carry (in their path or query), which only the callbacks may show. */
const receiverTokens: string[] = [];

async function issueSecret(key: string): Promise<{ secret: string; previousSecretValidUntil: string | null }> {
  const issued = await api<{ secret: string; previousSecretValidUntil: string | null }>('POST', '/v2/callback-secret', {
    key,
    body: {},
  });
  expect([issued.status, issued.headers.get('cache-control')]).toEqual([201, 'no-store']);
  issuedSecrets.push(issued.body.secret);
  return issued.body;
}

describe('completion callbacks', () => {
  const receiver = new Receiver();
  let key: string;
  let secret: string;

  beforeAll(async () => {
    await receiver.start();
    let accountId: string;
    ({ key, accountId } = await createAccount('callback'));
    await insertActivities(makeActivities(accountId, 25, 12));
    ({ secret } = await issueSecret(key));
  });
  afterAll(async () => {
    await receiver.stop();
    await closeDatabase();
  });

  it("posts a done job's final state, signed: it verifies with the account's secret and the documented snippet", async () => {
    const { url, path } = receiver.endpoint();
    const query = `token=${randomUUID()}`;
    receiverTokens.push(query);
    const jobId = await startExport(key, { name: 'with_callback', exportType: 'csv', callbackUrl: `${url}?${query}` });
    const job = await waitForJob(key, jobId);
    expect(job.status).toBe('done');
    const [arrival] = await waitFor('the callback', () => receiver.arrivalsAt(path)[0] && receiver.arrivalsAt(path));
    expect(arrival.path).toBe(`${path}?${query}`);
    expect(arrival.headers['content-type']).toBe('application/json');
    expect(verifyCallback(secret, arrival.headers['x-signature'] as string, arrival.body)).toBe(true);
    expect(verifyCallback(`${secret}x`, arrival.headers['x-signature'] as string, arrival.body)).toBe(false);
    const event = JSON.parse(arrival.body.toString());
    expect(event).toEqual({
      eventId: arrival.headers['x-event-id'],
      type: 'job.ended',
      occurredAt: job.endedAt,
      job: {
        jobId,
        jobName: 'contactactivityexport',
        name: 'with_callback',
        status: 'done',
        totalItems: 25,
        completedItems: 25,
        fileCount: 1,
        createdAt: expect.any(String),
        startedAt: job.startedAt,
        endedAt: job.endedAt,
        url: `${API_URL}/v2/jobs/${jobId}`,
      },
    });
    expect(await waitForCallbackState(jobId, 'delivered')).toMatchObject({ attempts: 1, eventId: event.eventId });
    expect(receiver.arrivalsAt(path)).toHaveLength(1);
    // The job shows the callbackUrl's origin only (its path and query may carry the receiver's token); its status is
    // the export's own.
    const after = await api<JobView>('GET', `/v2/jobs/${jobId}`, { key });
    expect(after.body).toMatchObject({ status: 'done', request: { callbackUrl: `${new URL(url).origin}/[REDACTED]` } });
  });

  it("posts a failed job's final state with its error, signed the same way", async () => {
    const { url, path } = receiver.endpoint();
    const jobId = await startExport(key, {
      name: 'failing_callback',
      exportType: 'csv',
      callbackUrl: url,
      destination: {
        type: 'sftp',
        server: SFTP.host,
        port: SFTP.port,
        username: SFTP.user,
        password: 'wrong-pass',
        path: '/upload',
      },
    });
    const job = await waitForJob(key, jobId);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'AUTH_FAILED' } });
    const [arrival] = await waitFor('the callback', () => receiver.arrivalsAt(path)[0] && receiver.arrivalsAt(path));
    expect(verifyCallback(secret, arrival.headers['x-signature'] as string, arrival.body)).toBe(true);
    expect(JSON.parse(arrival.body.toString()).job).toMatchObject({
      jobId,
      status: 'failed',
      error: { code: 'AUTH_FAILED', message: job.error!.message },
    });
    // The password is never part of a callback.
    expect(arrival.body.toString()).not.toContain('wrong-pass');
  });

  it('retries a receiver that answers 500 twice: the third attempt delivers the same event', async () => {
    const { url, path } = receiver.endpoint((index) => (index < 2 ? 500 : 200));
    const jobId = await startExport(key, { name: 'flaky_receiver', exportType: 'json', callbackUrl: url });
    expect((await waitForJob(key, jobId)).status).toBe('done');
    const callback = await waitForCallbackState(jobId, 'delivered');
    const arrivals = receiver.arrivalsAt(path);
    expect(arrivals.map(({ answered }) => answered)).toEqual([500, 500, 200]);
    expect(callback).toMatchObject({ attempts: 3 });
    expect(arrivals.map(({ headers }) => headers['x-callback-attempt'])).toEqual(['1', '2', '3']);
    // One event, delivered at least once: the same id and body every time, each attempt signed afresh.
    expect(new Set(arrivals.map(({ headers }) => headers['x-event-id'])).size).toBe(1);
    expect(new Set(arrivals.map(({ body }) => body.toString())).size).toBe(1);
    for (const { headers, body } of arrivals)
      expect(verifyCallback(secret, headers['x-signature'] as string, body)).toBe(true);
    expect((await api<JobView>('GET', `/v2/jobs/${jobId}`, { key })).body.status).toBe('done');
  });

  it('a receiver that never answers changes nothing about the job: the callback is given up after its attempts', async () => {
    const { url, path } = receiver.endpoint(() => 'hang');
    const jobId = await startExport(key, { name: 'silent_receiver', exportType: 'csv', callbackUrl: url });
    const ended = await waitForJob(key, jobId);
    expect(ended.status).toBe('done');
    const callback = await waitForCallbackState(jobId, 'abandoned');
    expect(callback).toMatchObject({ attempts: Number(TEST_STACK_ENV.CALLBACK_MAX_ATTEMPTS) });
    expect(callback.lastError).toMatch(/no answer within/);
    expect(receiver.arrivalsAt(path).length).toBeGreaterThanOrEqual(1);
    const after = (await api<JobView>('GET', `/v2/jobs/${jobId}`, { key })).body;
    expect(after).toMatchObject({ status: 'done', endedAt: ended.endedAt, completedItems: ended.completedItems });
    expect(after.error).toBeUndefined();
  });

  it('survives a restart of the jobs service during an attempt: the same event is sent again afterwards', async () => {
    const { url, path } = receiver.endpoint((index) => (index === 0 ? 'hang' : 200));
    const jobId = await startExport(key, { name: 'restarted_sender', exportType: 'csv', callbackUrl: url });
    expect((await waitForJob(key, jobId)).status).toBe('done');
    await waitFor('the first attempt', () => (receiver.arrivalsAt(path).length > 0 ? true : undefined));
    // SIGTERM while the receiver holds the attempt: the replica lets it end (its deadline), records it and exits.
    stack('stop-service', 'jobs');
    try {
      expect(await storedCallback(jobId)).toMatchObject({ state: 'pending' });
    } finally {
      stack('start-service', 'jobs');
    }
    await waitForCallbackState(jobId, 'delivered');
    const arrivals = receiver.arrivalsAt(path);
    expect(arrivals.map(({ answered }) => answered)).toEqual([null, 200]);
    expect(new Set(arrivals.map(({ headers }) => headers['x-event-id'])).size).toBe(1);
    expect((await api<JobView>('GET', `/v2/jobs/${jobId}`, { key })).body.status).toBe('done');
  });

  it('signs with both secrets for a day after a rotation, so receivers switch over without missing one', async () => {
    const { key: rotatingKey } = await createAccount('callback-rotate');
    const first = await issueSecret(rotatingKey);
    expect(first.previousSecretValidUntil).toBeNull();
    const second = await issueSecret(rotatingKey);
    expect(second.secret).not.toBe(first.secret);
    expect(Date.parse(second.previousSecretValidUntil!)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const { url, path } = receiver.endpoint();
    await startExport(rotatingKey, { exportType: 'csv', callbackUrl: url });
    const [arrival] = await waitFor('the callback', () => receiver.arrivalsAt(path)[0] && receiver.arrivalsAt(path));
    const signature = arrival.headers['x-signature'] as string;
    expect(signature.match(/v1=/g)).toHaveLength(2);
    expect(verifyCallback(second.secret, signature, arrival.body)).toBe(true);
    expect(verifyCallback(first.secret, signature, arrival.body)).toBe(true);
  });

  describe('refuses, with a 400 that creates nothing', () => {
    it.each([
      ['plain http', (port: string) => `http://127.0.0.1:${port}/hook`, 'VALIDATION_FAILED'],
      [
        'a host outside the allow-list (127.0.0.2)',
        (port: string) => `https://127.0.0.2:${port}/hook`,
        'CALLBACK_HOST_REFUSED',
      ],
      ['an IPv6 form of it', (port: string) => `https://[::ffff:127.0.0.2]:${port}/hook`, 'CALLBACK_HOST_REFUSED'],
      ['a user name and password', (port: string) => `https://u:p@127.0.0.1:${port}/hook`, 'VALIDATION_FAILED'],
    ])('a callbackUrl with %s', async (_what, urlOf, code) => {
      const { key: refusedKey, accountId } = await createAccount('callback-refused');
      await issueSecret(refusedKey);
      const port = new URL(receiver.endpoint().url).port;
      const refused = await api('POST', '/v2/contactactivityexport', {
        key: refusedKey,
        body: { exportType: 'csv', callbackUrl: urlOf(port) },
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code, fields: [expect.objectContaining({ field: 'callbackUrl' })] });
      expect((await api<{ items: unknown[] }>('GET', '/v2/jobs', { key: refusedKey })).body.items).toEqual([]);
      expect(await (await database()).collection('jobs').countDocuments({ accountId })).toBe(0);
    });

    it('a callbackUrl of an account that has no callback secret yet', async () => {
      const { key: newKey, accountId } = await createAccount('callback-nosecret');
      const { url } = receiver.endpoint();
      const refused = await api('POST', '/v2/contactactivityexport', {
        key: newKey,
        body: { exportType: 'csv', callbackUrl: url },
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        code: 'CALLBACK_SECRET_MISSING',
        message: expect.stringContaining('POST /v2/callback-secret'),
      });
      expect(await (await database()).collection('jobs').countDocuments({ accountId })).toBe(0);
    });

    it('a callback-secret request with a body that asks for anything', async () => {
      const refused = await api('POST', '/v2/callback-secret', { key, body: { secret: 'mine' } });
      expect(refused).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });
  });

  it('keeps every callback secret and receiver token out of the logs, the Kafka topics, the stored documents and the job answers', async () => {
    expect(issuedSecrets.length).toBeGreaterThanOrEqual(3);
    expect(receiverTokens.length).toBeGreaterThanOrEqual(8);
    const secrets = [...issuedSecrets, ...receiverTokens];
    const leaks = (text: string) => secrets.filter((secret) => text.includes(secret));
    const logs = join(TEST_STACK_ENV.STACK_DIR, 'logs');
    for (const file of readdirSync(logs))
      expect({ file, leaks: leaks(readFileSync(join(logs, file), 'latin1')) }).toEqual({ file, leaks: [] });
    const messages = await readTopics();
    expect(leaks(messages.flatMap((message) => [message.key, message.value, ...message.headers]).join('\n'))).toEqual(
      [],
    );
    const db = await database();
    for (const name of ['callback_secrets', 'jobs', 'idempotency_keys']) {
      const stored = JSON.stringify(await db.collection(name).find({}).toArray());
      expect({ name, leaks: leaks(stored) }).toEqual({ name, leaks: [] });
    }
    expect(await db.collection('callback_secrets').countDocuments()).toBeGreaterThan(0);
    const listed = await api('GET', '/v2/jobs?limit=200', { key });
    expect(leaks(JSON.stringify(listed.body))).toEqual([]);
  });
});

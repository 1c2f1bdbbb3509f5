import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { closedPort } from '../support/destinations';
import { join } from 'node:path';
import { api, JobView, waitForJob } from '../support/api';
import { closeDatabase, createAccount, insertActivities, makeActivities } from '../support/fixtures';
import { TEST_STACK_ENV } from '../support/test-stack';

/**
 * Issue 11 (docs/logging.md): every service logs JSON lines, and every line about a job carries `jobId` and
 * `accountId` as fields of the logged object, so that one `jq 'select(.message.jobId == "...")'` over the logs of
 * all services tells a job's whole story. One chunked export to internal storage, one whose delivery fails (an SFTP
 * destination on a closed port of 127.0.0.1, retried DELIVERY_MAX_ATTEMPTS times), then every service's log is read.
 */
const LOGS = join(TEST_STACK_ENV.STACK_DIR, 'logs');
/** The five services and their replicas (api-gateway.log, writer.2.log, ...); not Kafka's or FerretDB's logs. */
const SERVICE_LOG = /^(api-gateway|query|writer|delivery|jobs)(\.\d+)?\.log$/;

interface LogLine {
  file: string;
  text: string;
  parsed?: { level?: string; context?: string; message?: unknown };
}

/** Every complete line of every service log (a line still being written, without its newline, is left out). */
function serviceLogLines(): LogLine[] {
  if (!existsSync(LOGS)) return [];
  return readdirSync(LOGS)
    .filter((file) => SERVICE_LOG.test(file))
    .flatMap((file) => {
      const lines = readFileSync(join(LOGS, file), 'utf8').split('\n');
      lines.pop(); // after the last newline: empty, or a partial line
      return lines.map((text) => {
        try {
          return { file, text, parsed: JSON.parse(text) as LogLine['parsed'] };
        } catch {
          return { file, text };
        }
      });
    });
}

/** The logged object of a line (`message`, when the logger was given an object). */
function fields(line: LogLine): Record<string, unknown> | undefined {
  const message = line.parsed?.message;
  return typeof message === 'object' && message !== null ? (message as Record<string, unknown>) : undefined;
}

/** The text of each line about the job, by service log: `delivery.log: job delivered`. */
function eventsOf(lines: LogLine[], jobId: string): string[] {
  return lines
    .filter((line) => fields(line)?.jobId === jobId)
    .map((line) => `${line.file.replace(/\.log$/, '')}: ${String(fields(line)!.message)}`);
}

async function waitForEvents(jobId: string, expected: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = eventsOf(serviceLogLines(), jobId);
    const missing = expected.filter((event) => !seen.includes(event));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`job ${jobId}: not logged ${JSON.stringify(missing)}; seen ${seen}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('log lines of a job carry its jobId and accountId', () => {
  // Unique strings that would show a secret or a record in the logs.
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const marker = `mark${randomBytes(6).toString('hex')}`;
  let account: { accountId: string; key: string };
  let delivered: JobView;
  let failed: JobView;

  beforeAll(async () => {
    account = await createAccount('logs');
    const activities = makeActivities(account.accountId, 60, 111).map((activity, n) => ({
      ...activity,
      email: `${marker}-${n}@example.com`,
    }));
    await insertActivities(activities);
    const port = await closedPort();
    const [ok, ko] = await Promise.all([
      api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
        key: account.key,
        body: { name: `logs-ok-${randomUUID().slice(0, 6)}`, exportType: 'csv', limitRecordsPerFile: 20 },
      }),
      api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
        key: account.key,
        body: {
          name: `logs-ko-${randomUUID().slice(0, 6)}`,
          exportType: 'json',
          limitRecordsPerFile: 20,
          destination: { type: 'sftp', server: '127.0.0.1', port, username: 'nobody', password, path: '/upload' },
        },
      }),
    ]);
    expect([ok.status, ko.status]).toEqual([202, 202]);
    [delivered, failed] = await Promise.all([
      waitForJob(account.key, ok.body.jobId),
      waitForJob(account.key, ko.body.jobId),
    ]);
    // The last lines of a job may come just after the API shows its end (e.g. delivery's, once its report is sent).
    await waitForEvents(delivered.jobId, [
      'api-gateway: export job created',
      'query: records counted',
      'query: query finished',
      'writer: chunk staged',
      'delivery: job delivered',
      'jobs: job done',
    ]);
    await waitForEvents(failed.jobId, [
      'api-gateway: export job created',
      'delivery: delivery failed; retrying later',
      'delivery: job failed in delivery',
      'jobs: job failed',
    ]);
  }, 300_000);

  afterAll(closeDatabase);

  it('the exports ended as planned: one done in 3 files, one failed in delivery', () => {
    expect(delivered).toMatchObject({ status: 'done', fileCount: 3 });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'HOST_UNREACHABLE' } });
  });

  it('every line of every service log is a JSON object with a level and a message', () => {
    const lines = serviceLogLines();
    expect(lines.length).toBeGreaterThan(0);
    const broken = lines.filter(
      (line) =>
        typeof line.parsed !== 'object' ||
        line.parsed === null ||
        typeof line.parsed.level !== 'string' ||
        line.parsed.message === undefined,
    );
    expect(broken.map((line) => `${line.file}: ${line.text}`)).toEqual([]);
  });

  it.each([
    ['delivered', () => delivered],
    ['failed', () => failed],
  ])('every line that mentions the %s job has its jobId and accountId as fields', (_, job) => {
    const { jobId } = job();
    const about = serviceLogLines().filter((line) => line.text.includes(jobId));
    expect(about.length).toBeGreaterThan(0);
    const wrong = about.filter((line) => {
      const logged = fields(line);
      return logged?.jobId !== jobId || logged?.accountId !== account.accountId;
    });
    expect(wrong.map((line) => `${line.file}: ${line.text}`)).toEqual([]);
  });

  it('the chunks and the delivery attempts are logged with their fields', () => {
    const lines = serviceLogLines();
    const of = (jobId: string, message: string) =>
      lines.map(fields).filter((logged) => logged?.jobId === jobId && logged?.message === message);
    const staged = of(delivered.jobId, 'chunk staged');
    expect(staged.map((logged) => logged!.chunk).sort()).toEqual([0, 1, 2]);
    for (const logged of staged) expect(logged).toMatchObject({ file: expect.any(String), records: 20 });
    const retries = of(failed.jobId, 'delivery failed; retrying later');
    expect(retries.length).toBeGreaterThan(0);
    for (const logged of retries) {
      expect(logged).toMatchObject({
        chunk: expect.any(Number),
        attempts: expect.any(Number),
        error: expect.any(String),
      });
    }
    // Once per chunk at most: chunks whose last attempts ran at the same time may each report the failure.
    const ends = of(failed.jobId, 'job failed in delivery');
    expect(ends.length).toBeGreaterThan(0);
    for (const logged of ends) expect(logged).toMatchObject({ code: 'HOST_UNREACHABLE', chunk: expect.any(Number) });
  });

  it('no line holds the destination password, the API key or a record', () => {
    const leaks = serviceLogLines().filter(
      (line) => line.text.includes(password) || line.text.includes(account.key) || line.text.includes(marker),
    );
    expect(leaks.map((line) => `${line.file}: ${line.text}`)).toEqual([]);
  });
});

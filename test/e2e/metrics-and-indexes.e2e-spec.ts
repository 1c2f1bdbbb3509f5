import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, waitForJob } from '../support/api';
import { closeDatabase, createAccount, database, insertActivities, makeActivities } from '../support/fixtures';
import { ROOT, TEST_STACK_ENV } from '../support/test-stack';

/**
 * Issue 11: every service serves Prometheus metrics that move with an export (scraped while it runs and after),
 * and indexes come from the migration only: services check them at start-up and warn (or refuse) when one is
 * missing, never creating one themselves.
 */
const SERVICES = {
  'api-gateway': TEST_STACK_ENV.PORT,
  query: TEST_STACK_ENV.QUERY_PORT,
  writer: TEST_STACK_ENV.WRITER_PORT,
  delivery: TEST_STACK_ENV.DELIVERY_PORT,
  jobs: TEST_STACK_ENV.JOBS_PORT,
} as const;
type Service = keyof typeof SERVICES;

async function scrape(service: Service): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${SERVICES[service]}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
  return response.text();
}

/** The sum of every series of `name` whose labels include `labels` (0 when there is none). */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) sum += Number(match[3]);
  }
  return sum;
}

async function scrapeAll(): Promise<Record<Service, string>> {
  const entries = await Promise.all(
    (Object.keys(SERVICES) as Service[]).map(async (service) => [service, await scrape(service)] as const),
  );
  return Object.fromEntries(entries) as Record<Service, string>;
}

const stack = (...args: string[]) =>
  execFileSync('bash', ['deploy/local/stack.sh', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...TEST_STACK_ENV },
    encoding: 'utf8',
  });

describe('Prometheus metrics of every service', () => {
  let account: { accountId: string; key: string };
  const RECORDS = 3_000;

  beforeAll(async () => {
    account = await createAccount('metrics');
    await insertActivities(makeActivities(account.accountId, RECORDS, 11));
  });
  afterAll(closeDatabase);

  it('names each service and exports the process figures and every cae_* metric', async () => {
    const all = await scrapeAll();
    for (const [service, text] of Object.entries(all)) {
      expect(text).toContain(`process_resident_memory_bytes{service="${service}"}`);
      for (const name of ['cae_records_read_total', 'cae_kafka_in_flight_batches', 'cae_job_duration_seconds']) {
        expect(text).toContain(`# TYPE ${name} `);
      }
    }
  });

  it('moves as an export runs: records read, written and delivered, files, bytes, consumed messages, job end', async () => {
    const before = await scrapeAll();
    const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
      key: account.key,
      body: { exportType: 'csv', name: 'metrics-export', limitRecordsPerFile: 1_000 },
    });
    expect(created.status).toBe(202);
    // Scraped while the export runs (every service answers under load), then once it has ended.
    let scrapesDuringExport = 0;
    const job = waitForJob(account.key, created.body.jobId);
    let ended = false;
    void job.finally(() => (ended = true));
    while (!ended) {
      await scrapeAll();
      scrapesDuringExport += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await job).status).toBe('done');
    expect(scrapesDuringExport).toBeGreaterThan(0);
    const after = await scrapeAll();
    const delta = (service: Service, name: string, labels?: Record<string, string>) =>
      valueOf(after[service], name, labels) - valueOf(before[service], name, labels);

    expect(delta('query', 'cae_records_read_total')).toBeGreaterThanOrEqual(RECORDS);
    expect(delta('writer', 'cae_records_written_total')).toBeGreaterThanOrEqual(RECORDS);
    expect(delta('writer', 'cae_files_staged_total')).toBeGreaterThanOrEqual(3);
    expect(delta('writer', 'cae_staged_bytes_total')).toBeGreaterThan(RECORDS * 10);
    expect(delta('writer', 'cae_kafka_messages_consumed_total')).toBeGreaterThan(0);
    expect(delta('delivery', 'cae_files_delivered_total', { destination: 'internal' })).toBeGreaterThanOrEqual(3);
    expect(delta('delivery', 'cae_records_delivered_total', { destination: 'internal' })).toBeGreaterThanOrEqual(
      RECORDS,
    );
    expect(delta('delivery', 'cae_delivered_bytes_total', { destination: 'internal' })).toBeGreaterThan(0);
    expect(delta('jobs', 'cae_jobs_ended_total', { status: 'done' })).toBeGreaterThanOrEqual(1);
    expect(delta('jobs', 'cae_job_duration_seconds_count', { status: 'done' })).toBeGreaterThanOrEqual(1);
    expect(delta('jobs', 'cae_kafka_messages_consumed_total')).toBeGreaterThan(0);
    // Nothing failed or was dead-lettered on the way.
    for (const service of Object.keys(SERVICES) as Service[]) {
      expect(delta(service, 'cae_dead_letters_total')).toBe(0);
    }
  });
});

describe('indexes from the migration only', () => {
  const queryLog = () => readFileSync(join(TEST_STACK_ENV.STACK_DIR, 'logs', 'query.log'), 'utf8');

  afterAll(async () => {
    // Put the index back as the migration makes it (the rest of the suite, and the next run, expect it).
    stack('migrate');
    await closeDatabase();
  });

  it('the stack was migrated: every index is present, and a second migration creates nothing', () => {
    const output = stack('migrate');
    expect(output).toMatch(/\d+ present, 0 created, 0 failed/);
    expect(output).not.toMatch(/MISSING|FAILED/);
  });

  it('a service started without one of its indexes warns, names it, starts anyway and does not create it', async () => {
    const activities = (await database()).collection('contactactivities');
    await activities.dropIndex('by_action');
    const logged = queryLog().length;
    stack('stop-service', 'query');
    stack('start-service', 'query');
    const warning = queryLog()
      .slice(logged)
      .split('\n')
      .find((line) => line.includes('missing MongoDB indexes'));
    expect(warning).toContain('contactactivities.by_action');
    expect(warning).toContain('make migrate');
    const names = (await activities.listIndexes().toArray()).map((index) => index.name);
    expect(names).not.toContain('by_action');
    expect(names).toContain('export_order');
  });
});

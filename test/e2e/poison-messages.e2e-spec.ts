import { randomUUID } from 'node:crypto';
import { api, JobView, waitForJob } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { parseNdjson } from '../support/files';
import { asExported, closeDatabase, createAccount, database, exportOrder, insertActivities, makeActivities, TestActivity } from '../support/fixtures';
import { ParkedMessage, produceRaw, readJsonMessages, StatusEvent } from '../support/kafka-topics';

const TOPICS = {
  requested: 'contactactivityexport.requested.v1',
  records: 'contactactivityexport.records.v1',
  chunks: 'contactactivityexport.chunks.v1',
  status: 'contactactivityexport.job-status.v1',
};
const DLQ = 'contactactivityexport.dlq.v1';

/** A job as the gateway records it before publishing the request. */
async function insertPendingJob(accountId: string, name: string): Promise<string> {
  const jobId = randomUUID();
  await (await database()).collection('jobs').insertOne({
    _id: jobId as never, accountId, jobName: 'contactactivityexport', name, status: 'pending', totalItems: null, completedItems: 0,
    createdAt: new Date(), startedAt: null, endedAt: null, request: { exportType: 'csv', name }, files: [],
  });
  return jobId;
}

/** One off-contract payload per internal topic: well-formed JSON naming the job and account, one field wrong. */
function poisonFor(topic: keyof typeof TOPICS, jobId: string, accountId: string): { payload: object; badField: RegExp } {
  switch (topic) {
    case 'requested':
      return { payload: { jobId, accountId, createdAt: 'yesterday', filter: {}, output: {}, delivery: {} }, badField: /createdAt/ };
    case 'records':
      return { payload: { jobId, accountId, batchSeq: 'first', firstSeq: 0, records: [], final: true }, badField: /batchSeq/ };
    case 'chunks':
      return { payload: { jobId, accountId, chunkIndex: -1, name: '../../x.csv' }, badField: /chunkIndex/ };
    case 'status':
      return { payload: { type: 'file.delivered', jobId, accountId, at: new Date().toISOString(), service: 'x', file: { name: 7 } }, badField: /file/ };
  }
}

const EXPECTED_CODE: Record<keyof typeof TOPICS, string> = {
  requested: 'INVALID_REQUEST_MESSAGE',
  records: 'INVALID_RECORDS_MESSAGE',
  chunks: 'INVALID_CHUNK_MESSAGE',
  status: 'INVALID_STATUS_EVENT',
};

describe('poison messages on every internal topic', () => {
  let victim: { accountId: string; key: string };
  let bystander: { accountId: string; key: string };
  const poisoned = new Map<keyof typeof TOPICS, { jobId: string; badField: RegExp }>();
  let bystanderJob: JobView;
  let bystanderActivities: TestActivity[];

  beforeAll(async () => {
    victim = await createAccount('poison-victim');
    bystander = await createAccount('poison-bystander');
    bystanderActivities = makeActivities(bystander.accountId, 3_000, 51);
    await insertActivities(bystanderActivities);

    // The bystander's export runs while every topic gets its poison.
    const started = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
      key: bystander.key, body: { exportType: 'json', name: 'bystander', limitRecordsPerFile: 700 },
    });
    expect(started.status).toBe(202);
    for (const topic of Object.keys(TOPICS) as (keyof typeof TOPICS)[]) {
      const jobId = await insertPendingJob(victim.accountId, `victim-${topic}`);
      const { payload, badField } = poisonFor(topic, jobId, victim.accountId);
      await produceRaw(TOPICS[topic], jobId, JSON.stringify(payload));
      poisoned.set(topic, { jobId, badField });
    }
    // Not even JSON, keyed by no job at all: parked, and nothing else happens.
    for (const topic of Object.values(TOPICS)) await produceRaw(topic, `garbage-${randomUUID()}`, '{"oops');
    bystanderJob = await waitForJob(bystander.key, started.body.jobId, 180_000);
  });
  afterAll(closeDatabase);

  it.each(Object.keys(TOPICS) as (keyof typeof TOPICS)[])('%s: the poison is dead-lettered with its reason and fails its job clearly', async (topic) => {
    const { jobId, badField } = poisoned.get(topic)!;
    const job = await waitForJob(victim.key, jobId, 60_000);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe(EXPECTED_CODE[topic]);
    expect(job.error?.message).not.toMatch(/\bat .*\.(ts|js):\d+/); // words, never a stack trace

    const parked = (await readJsonMessages<ParkedMessage>([DLQ])).map((m) => m.value).filter((d) => d.key === jobId);
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ sourceTopic: TOPICS[topic] });
    expect(parked[0].reason).toMatch(badField);
    expect(JSON.parse(parked[0].payload)).toMatchObject({ jobId });

    // The failure event names the victim's account, like every other event of the job.
    const failures = (await readJsonMessages<StatusEvent>([TOPICS.status])).map((m) => m.value).filter((e) => e.jobId === jobId && e.type === 'job.failed');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((e) => e.accountId === victim.accountId)).toBe(true);
  });

  it('parks unreadable messages that name no job, on every topic', async () => {
    const garbage = (await readJsonMessages<ParkedMessage>([DLQ])).map((m) => m.value).filter((d) => String(d.key).startsWith('garbage-'));
    expect(new Set(garbage.map((d) => d.sourceTopic))).toEqual(new Set(Object.values(TOPICS)));
    expect(garbage.every((d) => /JSON/.test(d.reason))).toBe(true);
  });

  it('leaves other jobs alone: the concurrent export is complete and exact', async () => {
    expect(bystanderJob).toMatchObject({ status: 'done', totalItems: 3_000, completedItems: 3_000 });
    const lines = (await downloadAll(bystander.key, bystanderJob)).flatMap((file) => parseNdjson(file.text));
    expect(lines).toEqual(exportOrder(bystanderActivities).map(asExported));
  });
});

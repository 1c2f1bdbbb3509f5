import { randomUUID } from 'node:crypto';
import { api, JobView, waitForJob } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { parseNdjson } from '../support/files';
import {
  asExported,
  closeDatabase,
  createAccount,
  exportOrder,
  insertActivities,
  makeActivities,
  TestActivity,
} from '../support/fixtures';
import { ParkedMessage, produceRaw, readJsonMessages, StatusEvent } from '../support/kafka-topics';
import {
  DEAD_LETTER_TOPIC,
  insertPendingJob,
  INTERNAL_TOPICS,
  InternalTopic,
  POISON_CODE,
  poisonFor,
} from '../support/poison';

describe('poison messages on every internal topic', () => {
  let victim: { accountId: string; key: string };
  let bystander: { accountId: string; key: string };
  const poisoned = new Map<InternalTopic, { jobId: string; badField: RegExp }>();
  let bystanderJob: JobView;
  let bystanderActivities: TestActivity[];

  beforeAll(async () => {
    victim = await createAccount('poison-victim');
    bystander = await createAccount('poison-bystander');
    bystanderActivities = makeActivities(bystander.accountId, 3_000, 51);
    await insertActivities(bystanderActivities);

    // The bystander's export runs while every topic gets its poison.
    const started = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
      key: bystander.key,
      body: { exportType: 'json', name: 'bystander', limitRecordsPerFile: 700 },
    });
    expect(started.status).toBe(202);
    for (const topic of Object.keys(INTERNAL_TOPICS) as InternalTopic[]) {
      const jobId = await insertPendingJob(victim.accountId, `victim-${topic}`);
      const { payload, badField } = poisonFor(topic, jobId, victim.accountId);
      await produceRaw(INTERNAL_TOPICS[topic], jobId, JSON.stringify(payload));
      poisoned.set(topic, { jobId, badField });
    }
    // Not even JSON, keyed by no job at all: parked, and nothing else happens.
    for (const topic of Object.values(INTERNAL_TOPICS)) await produceRaw(topic, `garbage-${randomUUID()}`, '{"oops');
    bystanderJob = await waitForJob(bystander.key, started.body.jobId, 180_000);
  });
  afterAll(closeDatabase);

  it.each(Object.keys(INTERNAL_TOPICS) as InternalTopic[])(
    '%s: the poison is dead-lettered with its reason and fails its job clearly',
    async (topic) => {
      const { jobId, badField } = poisoned.get(topic)!;
      const job = await waitForJob(victim.key, jobId);
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe(POISON_CODE[topic]);
      expect(job.error?.message).not.toMatch(/\bat .*\.(ts|js):\d+/); // words, never a stack trace

      const parked = (await readJsonMessages<ParkedMessage>([DEAD_LETTER_TOPIC]))
        .map((m) => m.value)
        .filter((d) => d.key === jobId);
      expect(parked).toHaveLength(1);
      expect(parked[0]).toMatchObject({ sourceTopic: INTERNAL_TOPICS[topic] });
      expect(parked[0].reason).toMatch(badField);
      expect(JSON.parse(parked[0].payload)).toMatchObject({ jobId });

      // The failure event names the victim's account, like every other event of the job.
      const failures = (await readJsonMessages<StatusEvent>([INTERNAL_TOPICS.status]))
        .map((m) => m.value)
        .filter((e) => e.jobId === jobId && e.type === 'job.failed');
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((e) => e.accountId === victim.accountId)).toBe(true);
    },
  );

  it('parks unreadable messages that name no job, on every topic', async () => {
    const garbage = (await readJsonMessages<ParkedMessage>([DEAD_LETTER_TOPIC]))
      .map((m) => m.value)
      .filter((d) => String(d.key).startsWith('garbage-'));
    expect(new Set(garbage.map((d) => d.sourceTopic))).toEqual(new Set(Object.values(INTERNAL_TOPICS)));
    expect(garbage.every((d) => /JSON/.test(d.reason))).toBe(true);
  });

  it('leaves other jobs alone: the concurrent export is complete and exact', async () => {
    expect(bystanderJob).toMatchObject({ status: 'done', totalItems: 3_000, completedItems: 3_000 });
    const lines = (await downloadAll(bystander.key, bystanderJob)).flatMap((file) => parseNdjson(file.text));
    expect(lines).toEqual(exportOrder(bystanderActivities).map(asExported));
  });
});

import { api, JobView, runExport, waitForJob } from '../support/api';
import { downloadAll } from '../support/expect-files';
import { parseNdjson } from '../support/files';
import {
  asExported,
  closeDatabase,
  database,
  createAccount,
  exportOrder,
  insertActivities,
  insertAudience,
  insertContacts,
  makeActivities,
  TestActivity,
} from '../support/fixtures';
import { readJsonMessages, StatusEvent } from '../support/kafka-topics';

const JOB_STATUS_TOPIC = 'contactactivityexport.job-status.v1';

async function start(key: string, body: Record<string, unknown>): Promise<string> {
  const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', { key, body });
  expect(created.status).toBe(202);
  return created.body.jobId;
}

describe('tenant isolation', () => {
  let a: { accountId: string; key: string };
  let b: { accountId: string; key: string };
  let activitiesA: TestActivity[];
  let activitiesB: TestActivity[];

  beforeAll(async () => {
    a = await createAccount('tenant-a');
    b = await createAccount('tenant-b');
    // Same cIDs, emails and message ids in both accounts: only the account may tell them apart.
    activitiesA = makeActivities(a.accountId, 600, 41);
    activitiesB = makeActivities(b.accountId, 400, 42);
    await insertActivities([...activitiesA, ...activitiesB]);
    await insertContacts(a.accountId);
    await insertAudience(a.accountId, 'a_only_vips', { tier: 'vip' });
  });
  afterAll(closeDatabase);

  it("exports only the caller's activities, while the other account exports at the same time", async () => {
    const [jobA, jobB] = await Promise.all([
      start(a.key, { exportType: 'json', name: 'mine' }),
      start(b.key, { exportType: 'json', name: 'mine' }),
    ]);
    const [doneA, doneB] = [await waitForJob(a.key, jobA), await waitForJob(b.key, jobB)];
    expect(parseNdjson((await downloadAll(a.key, doneA))[0].text)).toEqual(exportOrder(activitiesA).map(asExported));
    expect(parseNdjson((await downloadAll(b.key, doneB))[0].text)).toEqual(exportOrder(activitiesB).map(asExported));
  });

  it("resolves contacts and audiences inside the caller's account only", async () => {
    // A's contact e-mail means nothing in B: an empty export, not A's activities.
    const byEmail = await runExport(b.key, { exportType: 'json', selected_contact: 'contact-3@example.com' });
    expect(byEmail).toMatchObject({ status: 'done', totalItems: 0 });
    // In A the same contact resolves and exports A's activities of cid-3.
    const inA = await runExport(a.key, { exportType: 'json', selected_contact: 'contact-3@example.com' });
    expect(parseNdjson((await downloadAll(a.key, inA))[0].text)).toEqual(
      exportOrder(activitiesA.filter((x) => x.cID === 'cid-3')).map(asExported),
    );
    // A's audience key is unknown to B, and the refusal creates nothing.
    const refused = await api<{ fields: { field: string }[] }>('POST', '/v2/contactactivityexport', {
      key: b.key,
      body: { exportType: 'csv', selected_audience_key: 'a_only_vips' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.fields.map((f) => f.field)).toContain('selected_audience_key');
  });

  it("answers 404 (never 403) for the other account's job, files and downloads", async () => {
    const job = await runExport(a.key, { exportType: 'csv', name: 'secret-plan', limitRecordsPerFile: 250 });
    expect(job.files.length).toBe(3);
    for (const path of [
      `/v2/jobs/${job.jobId}`,
      ...job.files.map((f) => f.url!),
      `/v2/jobs/${job.jobId}/files/${job.files[0].name}`,
    ]) {
      const response = await api('GET', path, { key: b.key });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      // The same answer as for a job that never existed: nothing tells B that A's job exists.
      const never = '00000000-0000-4000-8000-000000000000';
      const answer = await api('GET', path.replace(job.jobId, never), { key: b.key });
      expect({
        status: answer.status,
        body: JSON.parse(JSON.stringify(answer.body).replaceAll(never, job.jobId)),
      }).toEqual({ status: 404, body: response.body });
    }
    const listed = await api<{ items: JobView[] }>('GET', '/v2/jobs?name=secret-plan', { key: b.key });
    expect(listed.body.items).toEqual([]);
  });

  it('carries the account on every job-status event, so subscribers can filter by tenant', async () => {
    const jobA = (await runExport(a.key, { exportType: 'csv', limitRecordsPerFile: 200 })).jobId;
    const jobB = (await runExport(b.key, { exportType: 'csv', limitRecordsPerFile: 200 })).jobId;
    const events = (await readJsonMessages<StatusEvent>([JOB_STATUS_TOPIC])).map((m) => ({ key: m.key, ...m.value }));
    const ofA = events.filter((e) => e.jobId === jobA);
    const ofB = events.filter((e) => e.jobId === jobB);
    // claimed, counted, three files, completed
    expect(ofA.map((e) => e.type)).toEqual(
      expect.arrayContaining(['query.started', 'file.delivered', 'job.completed']),
    );
    expect(ofA.filter((e) => e.type === 'file.delivered')).toHaveLength(3);
    expect(ofB.filter((e) => e.type === 'file.delivered')).toHaveLength(2);
    expect(new Set(ofA.map((e) => e.accountId))).toEqual(new Set([a.accountId]));
    expect(new Set(ofB.map((e) => e.accountId))).toEqual(new Set([b.accountId]));
    expect(ofA.every((e) => e.key === jobA)).toBe(true);
  });

  it("does not let one account's queue of exports starve another account", async () => {
    const queued: string[] = [];
    for (let i = 0; i < 8; i++) queued.push(await start(a.key, { exportType: 'csv', name: `flood-${i}` }));
    const other = await start(b.key, { exportType: 'csv', name: 'behind-the-flood' });
    const doneOther = await waitForJob(b.key, other, 180_000);
    expect(doneOther.status).toBe('done');
    const flood = await Promise.all(queued.map((id) => waitForJob(a.key, id, 300_000)));
    expect(flood.every((job) => job.status === 'done')).toBe(true);
    // B's export got the next free slot once the query service had it queued, instead of waiting for A's queue:
    // no export of A started between the moment B's was queued and the moment B's started (one is allowed for the
    // race of a slot freed just as B was queued). Judged by the order of events, not by how fast exports run: on a
    // slow machine A's queue is long when B arrives, on a fast one short, and either way none of it may go first.
    const queuedB = await (await database()).collection('query_checkpoints').findOne({ _id: other as never });
    const queuedAt = (queuedB!.createdAt as Date).getTime();
    const startedB = Date.parse(doneOther.startedAt!);
    const jumpedAhead = flood.filter((job) => {
      const startedA = Date.parse(job.startedAt!);
      return startedA > queuedAt && startedA < startedB;
    });
    expect({ jumpedAhead: jumpedAhead.map((job) => job.name) }).toEqual({
      jumpedAhead: jumpedAhead.slice(0, 1).map((job) => job.name),
    });
  });
});

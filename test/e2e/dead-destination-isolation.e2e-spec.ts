import { randomUUID } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import { api, JobView, runExport } from '../support/api';
import { closeDatabase, createAccount, insertActivities, makeActivities } from '../support/fixtures';

/**
 * Promise 10 of DESIGN.md: one tenant's dead destination must not hold up another tenant's delivery. The dead
 * destination here is an SFTP "server" that accepts connections and never answers, so every delivery attempt to it
 * hangs until the delivery timeout (20 s), and the job keeps retrying for minutes. Another account's export to
 * internal storage must end `done` while those jobs are still retrying. No clock in the assertion: the order of
 * events is what is checked (the other export ends before any hanging job does).
 */
describe('a dead destination of one account does not stall the deliveries of another', () => {
  let blackhole: Server;
  const sockets = new Set<Socket>();
  let connections = 0;
  let finished = false;

  beforeAll(async () => {
    blackhole = createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
    await closeDatabase();
  });

  it("another account's export is delivered while the dead destination's jobs are still retrying", async () => {
    const port = (blackhole.address() as { port: number }).port;
    const stuck = await createAccount('deadend');
    await insertActivities(makeActivities(stuck.accountId, 60, 101));
    const stuckJobs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
        key: stuck.key,
        body: {
          name: `dead-${i}-${randomUUID().slice(0, 6)}`,
          exportType: 'csv',
          limitRecordsPerFile: 20,
          destination: {
            type: 'sftp',
            server: '127.0.0.1',
            port,
            username: 'nobody',
            password: 'never-used',
            path: '/upload',
          },
        },
      });
      expect(created.status).toBe(202);
      stuckJobs.push(created.body.jobId);
    }
    // The dead destination's deliveries are under way (hanging) before the other account asks for anything.
    await until(() => connections > 0, 300_000, 'no delivery attempt reached the dead destination');

    const other = await createAccount('healthy');
    await insertActivities(makeActivities(other.accountId, 30, 102));
    const healthy = runExport(other.key, { name: `healthy-${randomUUID().slice(0, 6)}`, exportType: 'csv' });
    const firstStuckEnd = Promise.race(stuckJobs.map((jobId) => endOf(stuck.key, jobId, () => finished)));
    const first = await Promise.race([
      healthy.then((job) => ({ who: 'healthy', job })),
      firstStuckEnd.then(() => ({ who: 'dead destination', job: undefined as JobView | undefined })),
    ]);
    finished = true;
    expect(first.who).toBe('healthy');
    expect(first.job).toMatchObject({ status: 'done', files: [expect.objectContaining({ records: 30 })] });
    for (const jobId of stuckJobs) {
      const { body } = await api<JobView>('GET', `/v2/jobs/${jobId}`, { key: stuck.key });
      expect(body.status).toBe('processing');
    }
  }, 300_000);
});

async function until(check: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves when the job ends (done or failed); polls slowly (the account's rate limit) until told to stop. */
async function endOf(key: string, jobId: string, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const { status, body } = await api<JobView>('GET', `/v2/jobs/${jobId}`, { key });
    if (status === 200 && (body.status === 'done' || body.status === 'failed')) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return new Promise(() => undefined);
}

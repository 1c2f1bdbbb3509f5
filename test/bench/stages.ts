import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { api, JobView } from '../support/api';
import { database } from '../support/fixtures';
import { ROOT } from '../support/test-stack';

/**
 * The "stages" shape of `make bench`: the writer and delivery services alone, fed from a records topic filled
 * beforehand, against one process doing the same formatting from the same topic (apps/writer/bench/
 * format-baseline.ts), so the database is out of the figure.
 *
 * With the writer and delivery stopped, an export runs through the query service until its checkpoint says `done`:
 * every batch is then on the records topic. Delivery is started, then the writer; the stage is timed from the
 * writer's readiness to the job's `done` (staging every file, delivering it to internal storage, the job events).
 * The one-process side reads the same batches and is timed from its consumer's start to its last file closed.
 *
 * `writers: 2` starts a second writer replica with the first (both at once, timed from the first one ready): the
 * chunks of a chunked export spread over the partitions of the records topic, so both write at the same time.
 */
export interface StagesRun {
  seconds: number;
  baselineSeconds: number;
  writerStartSeconds: number;
  fillSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runStages(options: {
  key: string;
  records: number;
  body: Record<string, unknown>;
  brokers: string;
  stack: (...command: string[]) => void;
  /** The stack's environment, for starting writer replicas side by side. */
  env: Record<string, string>;
  writers?: 1 | 2;
  skipBaseline?: boolean;
}): Promise<StagesRun> {
  const { key, records, body, stack } = options;
  const writers = options.writers === 2 ? ['writer', 'writer.2'] : ['writer'];
  stack('deploy/local/stack.sh', 'stop-service', 'writer');
  stack('deploy/local/stack.sh', 'stop-service', 'writer.2');
  stack('deploy/local/stack.sh', 'stop-service', 'delivery');
  let stopped = true;
  try {
    const filling = Date.now();
    const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', { key, body });
    if (created.status !== 202) throw new Error(`export refused: ${created.status} ${JSON.stringify(created.body)}`);
    const { jobId } = created.body;
    const checkpoints = (await database()).collection<{ _id: string; state: string }>('query_checkpoints');
    for (;;) {
      const checkpoint = await checkpoints.findOne({ _id: jobId });
      if (checkpoint?.state === 'done') break;
      if (checkpoint?.state === 'failed' || checkpoint?.state === 'stopped')
        throw new Error(`stages: the query failed job ${jobId}`);
      await sleep(500);
    }
    const fillSeconds = (Date.now() - filling) / 1000;

    stack('deploy/local/stack.sh', 'start-service', 'delivery');
    const starting = Date.now();
    let ready = 0;
    await Promise.all(
      writers.map(async (writer) => {
        await promisify(execFile)('bash', ['deploy/local/stack.sh', 'start-service', writer], {
          cwd: ROOT,
          env: { ...process.env, ...options.env },
        });
        ready ||= Date.now();
      }),
    );
    stopped = false;
    for (;;) {
      const { status, body: job } = await api<JobView>('GET', `/v2/jobs/${jobId}`, { key });
      if (status === 200 && (job.status === 'done' || job.status === 'failed')) {
        if (job.status !== 'done' || job.completedItems !== records)
          throw new Error(`stages: ${job.status} ${job.completedItems} ${JSON.stringify(job.error)}`);
        break;
      }
      await sleep(200);
    }
    const seconds = (Date.now() - ready) / 1000;
    if (options.skipBaseline)
      return { seconds, baselineSeconds: Number.NaN, writerStartSeconds: (ready - starting) / 1000, fillSeconds };

    const baseline = JSON.parse(
      execFileSync(
        'npx',
        [
          'ts-node',
          '--transpile-only',
          '-r',
          'tsconfig-paths/register',
          'apps/writer/bench/format-baseline.ts',
          '--brokers',
          options.brokers,
          '--job',
          jobId,
        ],
        { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      )
        .trim()
        .split('\n')
        .pop() as string,
    ) as { seconds: number; records: number };
    if (baseline.records !== records)
      throw new Error(`stages baseline read ${baseline.records} records, expected ${records}`);
    return { seconds, baselineSeconds: baseline.seconds, writerStartSeconds: (ready - starting) / 1000, fillSeconds };
  } finally {
    if (writers.length > 1) stack('deploy/local/stack.sh', 'stop-service', 'writer.2');
    if (stopped) {
      stack('deploy/local/stack.sh', 'start-service', 'delivery');
      stack('deploy/local/stack.sh', 'start-service', 'writer');
    }
  }
}

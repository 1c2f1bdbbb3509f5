/**
 * Memory benchmark: the peak resident memory (RSS) of each service while it exports a small and a ten times
 * larger account, in two shapes (chunked CSV, one gzipped NDJSON file), and a third, "backlog-restart": the writer
 * is stopped, the export's records pile up on the records topic until the query service has published them all,
 * then the writer starts into that backlog (as after a crash or a rolling deploy). Bounded memory means the large
 * export's peak is about the small one's, and every service stays under the 256 MiB target.
 *
 *   npx ts-node --transpile-only test/bench/memory.ts [--small 20000] [--large 200000] [--shapes backlog-restart]
 * Prints a table and one JSON line with the figures. Uses its own stack in .data/bench (the test ports: do not run
 * it next to `make e2e` or `make faults`).
 */
import { execFileSync } from 'node:child_process';
import { api, JobView } from '../support/api';
import { closeDatabase, createAccount, database, insertActivities, makeActivities } from '../support/fixtures';
import { ROOT, TEST_STACK_ENV } from '../support/test-stack';
import { groupRssKib } from './processes';

const args = new Map<string, string>(
  process.argv.slice(2).flatMap((arg, i, all): [string, string][] => (arg.startsWith('--') ? [[arg, all[i + 1]]] : [])),
);
const SMALL = Number(args.get('--small') ?? 20_000);
const LARGE = Number(args.get('--large') ?? 200_000);
const TARGET_MIB = 256;
const SHAPES = args.get('--shapes')?.split(',');
const ENV = { ...TEST_STACK_ENV, STACK_NAME: 'bench', STACK_DIR: `${ROOT}/.data/bench` };
const WATCHED = ['api-gateway', 'query', 'writer', 'delivery', 'jobs', 'ferretdb'];

function stack(...command: string[]): void {
  execFileSync('bash', command, { cwd: ROOT, env: { ...process.env, ...ENV }, stdio: ['ignore', 'ignore', 'inherit'] });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the query service has published every batch of the job (its checkpoint is done). */
async function published(jobId: string): Promise<void> {
  const checkpoints = (await database()).collection<{ _id: string; state: string }>('query_checkpoints');
  for (;;) {
    const checkpoint = await checkpoints.findOne({ _id: jobId });
    if (checkpoint?.state === 'done') return;
    if (checkpoint?.state === 'failed' || checkpoint?.state === 'stopped')
      throw new Error(`job ${jobId}: the query failed`);
    await sleep(500);
  }
}

/**
 * Runs one export while sampling every watched process's RSS; returns the peaks in MiB and the wall time. With
 * `backlog`, the writer is stopped first and started only once all the export's records wait on the topic; the
 * peaks are then those of the catching up (the writer's is the figure this shape is for).
 */
async function measure(
  key: string,
  body: object,
  backlog = false,
): Promise<{ peaks: Record<string, number>; seconds: number; job: JobView }> {
  const peaks: Record<string, number> = Object.fromEntries(WATCHED.map((name) => [name, 0]));
  const sample = () => {
    for (const name of WATCHED) peaks[name] = Math.max(peaks[name], groupRssKib(ENV.STACK_DIR, name) / 1024);
  };
  if (backlog) stack('deploy/local/stack.sh', 'stop-service', 'writer');
  let timer = backlog ? undefined : setInterval(sample, 100);
  let started = Date.now();
  try {
    const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', { key, body });
    if (created.status !== 202) throw new Error(`export refused: ${created.status} ${JSON.stringify(created.body)}`);
    if (backlog) {
      await published(created.body.jobId);
      started = Date.now();
      timer = setInterval(sample, 100);
      stack('deploy/local/stack.sh', 'start-service', 'writer');
    }
    for (;;) {
      const { body: job } = await api<JobView>('GET', `/v2/jobs/${created.body.jobId}`, { key });
      if (job.status === 'done' || job.status === 'failed') {
        sample();
        return { peaks, seconds: (Date.now() - started) / 1000, job };
      }
      await sleep(250);
    }
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  stack('deploy/local/stack.sh', 'down');
  execFileSync('rm', ['-rf', ENV.STACK_DIR]);
  stack('deploy/local/stack.sh', 'up');
  const results: Record<string, Record<string, { small: number; large: number }>> = {};
  const shapes: Record<string, { body: (records: number) => object; backlog?: boolean }> = {
    'csv-chunked': { body: (records) => ({ exportType: 'csv', limitRecordsPerFile: Math.ceil(records / 4) }) },
    'json-gzip-single': { body: () => ({ exportType: 'json', compress: true }) },
    'backlog-restart': { body: () => ({ exportType: 'json' }), backlog: true },
  };
  try {
    const accounts: Record<'small' | 'large', string> = { small: '', large: '' };
    for (const [size, count] of [
      ['small', SMALL],
      ['large', LARGE],
    ] as const) {
      const account = await createAccount(`bench-${size}`);
      await insertActivities(makeActivities(account.accountId, count, size === 'small' ? 7 : 8));
      accounts[size] = account.key;
    }
    for (const [shape, { body, backlog }] of Object.entries(shapes).filter(
      ([name]) => !SHAPES || SHAPES.includes(name),
    )) {
      results[shape] = {};
      for (const [size, count] of [
        ['small', SMALL],
        ['large', LARGE],
      ] as const) {
        const { peaks, seconds, job } = await measure(accounts[size], body(count), backlog);
        if (job.status !== 'done' || job.completedItems !== count)
          throw new Error(`${shape}/${size}: ${job.status} ${JSON.stringify(job.error)}`);
        console.log(
          `${shape.padEnd(17)} ${size.padEnd(5)} ${String(count).padStart(7)} records  ${seconds.toFixed(1).padStart(6)} s  ` +
            WATCHED.map((name) => `${name} ${peaks[name].toFixed(0)}`).join('  ') +
            '  (peak RSS, MiB)',
        );
        for (const name of WATCHED) {
          results[shape][name] ??= { small: 0, large: 0 };
          results[shape][name][size] = Math.round(peaks[name]);
        }
      }
    }
  } finally {
    await closeDatabase().catch(() => undefined);
    stack('deploy/local/stack.sh', 'down');
  }
  const ours = WATCHED.filter((name) => name !== 'ferretdb');
  const worst = Math.max(...Object.values(results).flatMap((perService) => ours.map((name) => perService[name].large)));
  const ratios = Object.fromEntries(
    Object.entries(results).map(([shape, perService]) => [
      shape,
      Object.fromEntries(
        WATCHED.map((name) => [
          name,
          Number((perService[name].large / Math.max(1, perService[name].small)).toFixed(2)),
        ]),
      ),
    ]),
  );
  console.log(
    JSON.stringify({
      records_small: SMALL,
      records_large: LARGE,
      peak_rss_mib: results,
      large_to_small: ratios,
      worst_service_peak_mib: worst,
      target_mib: TARGET_MIB,
    }),
  );
  process.exit(worst <= TARGET_MIB ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * Throughput benchmark (`make bench`): how fast an export goes through the five services, against the fastest
 * simple way to do the same job on one machine.
 *
 * Seeds `--records` activities (default 1,000,000, or RECORDS) for a fresh account into a collection that holds as
 * many activities of another account, in its own local stack (.data/throughput). Then, alternating, `--rounds`
 * times (default 2) for each shape:
 *   - pipeline: the export through the services, from POST to `done`, with the time to the first delivered file,
 *     CPU seconds and peak RSS of every service and of the database, and the bytes each record takes on the
 *     records and chunks topics;
 *   - baseline: one Node process, the same query with the `mongodb` driver (sorted by time, _id), the same columns
 *     and formatting rules, gzip and chunking included, to local files.
 * Shapes: csv (one file), csv-gzip-chunked (limitRecordsPerFile = N/10), ndjson (one file), and stages: the writer
 * and delivery alone (CSV, one file) from a records topic filled beforehand, against one process formatting the
 * same batches (see stages.ts); its ratio is `stages_ratio`. stages-writers: the same stage for a chunked export (20
 * files), with one writer replica and with two; `second_writer_speedup` is the one-writer time over the two-writer time.
 * Prints a table and one final JSON line; the best round of each counts (the machine is shared and noisy).
 *
 *   npx ts-node --transpile-only test/bench/throughput.ts [--records 1000000] [--shapes csv,ndjson] [--rounds 2]
 * Uses the test ports moved by CAE_PORT_OFFSET (set it when another stack runs). `--reuse-data` keeps the stack's
 * database from an earlier run of the same `--records`; the services are restarted, so they run the code built now.
 * `--seed driver` inserts every activity through the driver (by default all but the first 100,000 per account are
 * copies made in SQLite: see seed()).
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { MongoClient } from 'mongodb';
import { api, JobView } from '../support/api';
import {
  ACTIVITY_SPAN_MS,
  createAccount,
  disconnectDatabase,
  insertActivities,
  makeActivities,
} from '../support/fixtures';
import { ROOT, TEST_STACK_ENV } from '../support/test-stack';
import { groupCpuSeconds, groupRssKib } from './processes';
import { runStages, StagesRun } from './stages';

const args = new Map<string, string>(
  process.argv.slice(2).flatMap((arg, i, all): [string, string][] => (arg.startsWith('--') ? [[arg, all[i + 1]]] : [])),
);
const RECORDS = Number(args.get('--records') ?? process.env.RECORDS ?? 1_000_000);
const ROUNDS = Number(args.get('--rounds') ?? 2);
const REUSE_DATA = process.argv.includes('--reuse-data');
// `--skip-baseline` leaves the one-process baseline out (see baseline() for how it sorts).
const SKIP_BASELINE = process.argv.includes('--skip-baseline');
const BASELINE_SORT = args.get('--baseline-sort') ?? 'process';
// `--seed driver` inserts every activity through the driver; by default only the first SEED_BASE are (see seed()).
const SEED_MODE = args.get('--seed') ?? 'copies';
const SEED_BASE = 100_000;
const SHAPES = (args.get('--shapes') ?? 'csv,csv-gzip-chunked,ndjson,stages,stages-writers').split(',') as (
  Shape | 'stages' | 'stages-writers'
)[];
const ENV = {
  ...TEST_STACK_ENV,
  STACK_NAME: 'bench',
  STACK_DIR: `${ROOT}/.data/throughput${process.env.CAE_PORT_OFFSET ? `-${process.env.CAE_PORT_OFFSET}` : ''}`,
};
const MONGODB_URI = `mongodb://127.0.0.1:${TEST_STACK_ENV.MONGO_PORT}/cordial`;
const SERVICES = ['api-gateway', 'query', 'writer', 'delivery', 'jobs'] as const;
const WATCHED = [...SERVICES, 'ferretdb'] as const;
const TOPICS = { records: 'contactactivityexport.records.v1', chunks: 'contactactivityexport.chunks.v1' };

type Shape = 'csv' | 'csv-gzip-chunked' | 'ndjson';
interface ShapeSpec {
  format: 'csv' | 'json';
  compress: boolean;
  limit?: number;
}

function spec(shape: Shape): ShapeSpec {
  if (shape === 'csv') return { format: 'csv', compress: false };
  if (shape === 'csv-gzip-chunked') return { format: 'csv', compress: true, limit: Math.ceil(RECORDS / 10) };
  if (shape === 'ndjson') return { format: 'json', compress: false };
  throw new Error(`unknown shape ${shape}`);
}

function stack(...command: string[]): void {
  execFileSync('bash', command, { cwd: ROOT, env: { ...process.env, ...ENV }, stdio: ['ignore', 'ignore', 'inherit'] });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes in the broker's log folders of a topic (all partitions). */
function topicBytes(topic: string): number {
  const data = join(ENV.STACK_DIR, 'kafka', 'data');
  let total = 0;
  for (const entry of readdirSync(data)) {
    if (!entry.startsWith(`${topic}-`)) continue;
    for (const file of readdirSync(join(data, entry))) {
      if (file.endsWith('.log')) total += statSync(join(data, entry, file)).size;
    }
  }
  return total;
}

/**
 * N activities for the benchmark account and N for another one. The first SEED_BASE of each go through the driver,
 * in slices to bound this process's memory; the rest are copies made in the database's SQLite file with the stack
 * stopped (copy-activities.py: new _id, time moved by the span makeActivities covers), since inserting through
 * FerretDB slows to about 1,000 documents a second as the collection grows (10,000,000 would take hours).
 * `--seed driver` inserts every document through the driver, as before.
 */
async function seed(): Promise<{ key: string; accountId: string }> {
  const account = await createAccount('bench-throughput');
  const other = await createAccount('bench-other');
  const started = Date.now();
  const throughDriver = SEED_MODE === 'driver' ? RECORDS : Math.min(RECORDS, SEED_BASE);
  for (let done = 0, slice = 0; done < throughDriver; slice++) {
    const count = Math.min(10_000, throughDriver - done);
    await insertActivities(makeActivities(account.accountId, count, 1_000 + slice));
    await insertActivities(makeActivities(other.accountId, count, 5_000_000 + slice));
    done += count;
    if (done % 100_000 === 0 || done === throughDriver)
      console.log(`seeded ${done} + ${done} activities (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  if (throughDriver < RECORDS) {
    await disconnectDatabase();
    stack('deploy/local/stack.sh', 'down');
    execFileSync(
      'python3',
      [
        join(ROOT, 'test/bench/copy-activities.py'),
        join(ENV.STACK_DIR, 'ferretdb/sqlite/cordial.sqlite'),
        String(RECORDS),
        String(ACTIVITY_SPAN_MS),
        account.accountId,
        other.accountId,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    stack('deploy/local/stack.sh', 'up');
    console.log(
      `seeded ${RECORDS} + ${RECORDS} activities by copies (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  return account;
}

interface PipelineRun {
  seconds: number;
  firstFileSeconds: number;
  cpuSeconds: Record<string, number>;
  peakRssMib: Record<string, number>;
  topicBytesPerRecord: Record<keyof typeof TOPICS, number>;
}

/** One export through the services, POST to `done`, with what each process spent on it. */
async function pipeline(key: string, shape: Shape): Promise<PipelineRun> {
  const { format, compress, limit } = spec(shape);
  const peaks: Record<string, number> = Object.fromEntries(WATCHED.map((name) => [name, 0]));
  const sample = () => {
    for (const name of WATCHED) peaks[name] = Math.max(peaks[name], groupRssKib(ENV.STACK_DIR, name) / 1024);
  };
  const cpuBefore = Object.fromEntries(WATCHED.map((name) => [name, groupCpuSeconds(ENV.STACK_DIR, name)]));
  const bytesBefore = { records: topicBytes(TOPICS.records), chunks: topicBytes(TOPICS.chunks) };
  const timer = setInterval(sample, 200);
  const started = Date.now();
  let firstFile = 0;
  try {
    const body = { name: `bench-${shape}-${Date.now()}`, exportType: format, compress, limitRecordsPerFile: limit };
    const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', { key, body });
    if (created.status !== 202) throw new Error(`export refused: ${created.status} ${JSON.stringify(created.body)}`);
    for (;;) {
      const { status, body: job } = await api<JobView>('GET', `/v2/jobs/${created.body.jobId}`, { key });
      if (status === 200 && firstFile === 0 && job.fileCount > 0) firstFile = Date.now();
      if (status === 200 && (job.status === 'done' || job.status === 'failed')) {
        if (job.status !== 'done' || job.completedItems !== RECORDS)
          throw new Error(`${shape}: ${job.status} ${job.completedItems} ${JSON.stringify(job.error)}`);
        break;
      }
      await sleep(200);
    }
  } finally {
    clearInterval(timer);
  }
  const seconds = (Date.now() - started) / 1000;
  sample();
  return {
    seconds,
    firstFileSeconds: ((firstFile || Date.now()) - started) / 1000,
    cpuSeconds: Object.fromEntries(
      WATCHED.map((name) => [name, groupCpuSeconds(ENV.STACK_DIR, name) - cpuBefore[name]]),
    ),
    peakRssMib: Object.fromEntries(WATCHED.map((name) => [name, Math.round(peaks[name])])),
    topicBytesPerRecord: {
      records: (topicBytes(TOPICS.records) - bytesBefore.records) / RECORDS,
      chunks: (topicBytes(TOPICS.chunks) - bytesBefore.chunks) / RECORDS,
    },
  };
}

const CSV_COLUMNS = [
  '_id',
  'cID',
  'email',
  'action',
  'time',
  'bmID',
  'mdtID',
  'mcID',
  'message_name',
  'first',
  'system_properties',
  'properties',
];
const JSON_FIELDS = [
  '_id',
  'cID',
  'email',
  'action',
  'time',
  'bmID',
  'mdtID',
  'mcID',
  'message_name',
  'first',
  'properties',
  'system_properties',
];

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && '_bsontype' in value) return String(value);
  return value;
}

function csvCell(value: unknown): string {
  const text =
    value === undefined || value === null
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(plain(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The baseline: what one process does with the driver and nothing else. Same query and order, the same columns
 * (CSV: the default columns, RFC 4180 quoting, CRLF; NDJSON: the exported fields), gzip and chunking included.
 * `--baseline-sort process` (the default) reads the account's documents unsorted, formats each into its line and
 * sorts the lines by (time, _id) in this process, as a script on FerretDB has to: FerretDB sorts in its own
 * memory (10.5 GiB and not done after 18 minutes at 1,000,000). `--baseline-sort database` asks the database.
 */
async function baseline(
  shape: Shape,
  accountId: string,
): Promise<{ seconds: number; cpuSeconds: number; bytes: number }> {
  const { format, compress, limit } = spec(shape);
  const dir = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
  const client = await new MongoClient(MONGODB_URI).connect();
  const cpu = process.cpuUsage();
  const started = Date.now();
  let bytes = 0;
  const line = (document: Record<string, unknown>): string => {
    if (format === 'csv') return `${CSV_COLUMNS.map((column) => csvCell(plain(document[column]))).join(',')}\r\n`;
    const record: Record<string, unknown> = {};
    for (const field of JSON_FIELDS) if (document[field] !== undefined) record[field] = plain(document[field]);
    return `${JSON.stringify(record)}\n`;
  };
  try {
    const collection = client.db().collection('contactactivities');
    let lines: AsyncIterable<string> | Iterable<string>;
    if (BASELINE_SORT === 'database') {
      const cursor = collection.find({ accountId }).sort({ time: 1, _id: 1 }).batchSize(1_000);
      lines = (async function* () {
        for await (const document of cursor) yield line(document);
      })();
    } else {
      const rows: { time: number; id: string; line: string }[] = [];
      for await (const document of collection.find({ accountId }).batchSize(1_000)) {
        rows.push({ time: (document.time as Date).getTime(), id: String(document._id), line: line(document) });
      }
      rows.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      lines = rows.map((row) => row.line);
    }
    let out: { sink: Writable; fileStream: Writable; file: string } | null = null;
    let inFile = 0;
    let index = 0;
    let buffer = '';
    const flush = async () => {
      if (out && buffer && !out.sink.write(buffer)) await once(out.sink, 'drain');
      buffer = '';
    };
    const close = async () => {
      await flush();
      if (!out) return;
      out.sink.end();
      await once(out.fileStream, 'close');
      bytes += statSync(out.file).size;
      out = null;
    };
    for await (const text of lines) {
      if (!out) {
        const file = join(dir, `baseline-${++index}.${format === 'csv' ? 'csv' : 'json'}${compress ? '.gz' : ''}`);
        const fileStream = createWriteStream(file);
        const gzip = compress ? createGzip() : null;
        gzip?.pipe(fileStream);
        out = { sink: gzip ?? fileStream, fileStream, file };
        buffer = format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '';
        inFile = 0;
      }
      buffer += text;
      inFile += 1;
      if (buffer.length > 64 * 1024) await flush();
      if (limit && inFile === limit) await close();
    }
    await close();
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const used = process.cpuUsage(cpu);
  return { seconds: (Date.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, bytes };
}

/** The seeded account of an earlier run with as many records, if asked to reuse it and there is one. */
function seededBefore(): { key: string; accountId: string } | undefined {
  const marker = join(ENV.STACK_DIR, 'bench-seed.json');
  if (!REUSE_DATA || !existsSync(marker)) return undefined;
  const seeded = JSON.parse(readFileSync(marker, 'utf8')) as { records: number; key: string; accountId: string };
  return seeded.records === RECORDS ? seeded : undefined;
}

/**
 * Ends the exports an interrupted earlier run left running, before the services start: they would resume (a stopped
 * stack keeps its queued work) and read beside the measured export. Runs the stack's database alone for this.
 */
async function endInterruptedExports(): Promise<void> {
  const database = spawn(
    join(ROOT, '.tools/bin/ferretdb-server'),
    [`-sqlite-url=file:${ENV.STACK_DIR}/ferretdb/sqlite/`, `-listen-addr=127.0.0.1:${TEST_STACK_ENV.MONGO_PORT}`],
    { stdio: 'ignore' },
  );
  try {
    const client = await MongoClient.connect(MONGODB_URI, { serverSelectionTimeoutMS: 60_000 });
    try {
      const db = client.db();
      const ended = {
        status: 'failed',
        endedAt: new Date(),
        error: { code: 'STALLED', message: 'benchmark run interrupted' },
      };
      const jobs = await db
        .collection('jobs')
        .updateMany({ status: { $in: ['pending', 'processing'] } }, { $set: ended });
      await db
        .collection('query_checkpoints')
        .updateMany({ state: { $in: ['queued', 'running'] } }, { $set: { state: 'failed' } });
      if (jobs.modifiedCount > 0)
        console.log(`ended ${jobs.modifiedCount} export(s) left running by an interrupted run`);
    } finally {
      await client.close();
    }
  } finally {
    database.kill('SIGTERM');
    await once(database, 'exit');
  }
}

async function main(): Promise<void> {
  stack('deploy/local/stack.sh', 'down');
  const reused = seededBefore();
  if (!reused) rmSync(ENV.STACK_DIR, { recursive: true, force: true });
  if (reused) await endInterruptedExports();
  stack('deploy/local/stack.sh', 'up');
  let bestStages: StagesRun | undefined;
  const bestWriters: Partial<Record<1 | 2, number>> = {};
  const best: Record<
    string,
    { pipeline: PipelineRun; baseline: { seconds: number; cpuSeconds: number; bytes: number } }
  > = {};
  try {
    const { key, accountId } = reused ?? (await seed());
    if (!reused)
      writeFileSync(join(ENV.STACK_DIR, 'bench-seed.json'), JSON.stringify({ records: RECORDS, key, accountId }));
    if (reused) console.log(`reusing the ${RECORDS} + ${RECORDS} activities seeded before`);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const shape of SHAPES) {
        if (shape === 'stages') {
          const run = await runStages({
            key,
            records: RECORDS,
            body: { name: `bench-stages-${Date.now()}`, exportType: 'csv' },
            brokers: `127.0.0.1:${TEST_STACK_ENV.KAFKA_PORT}`,
            stack,
            env: ENV,
          });
          console.log(
            `round ${round} stages           writer+delivery ${run.seconds.toFixed(1).padStart(7)} s (${(RECORDS / run.seconds).toFixed(0).padStart(7)} rec/s; writer start ${run.writerStartSeconds.toFixed(1)} s, topic filled in ${run.fillSeconds.toFixed(1)} s)` +
              `  one process ${run.baselineSeconds.toFixed(1).padStart(7)} s (${(RECORDS / run.baselineSeconds).toFixed(0).padStart(7)} rec/s)  ratio ${(run.baselineSeconds / run.seconds).toFixed(2)}`,
          );
          if (!bestStages || run.seconds < bestStages.seconds)
            bestStages = {
              ...run,
              baselineSeconds: Math.min(run.baselineSeconds, bestStages?.baselineSeconds ?? Infinity),
            };
          continue;
        }
        if (shape === 'stages-writers') {
          // The writer stage of a chunked export (20 files) with one writer replica, then two (the order alternates).
          const body = () => ({
            name: `bench-stages-chunked-${Date.now()}`,
            exportType: 'csv',
            limitRecordsPerFile: Math.ceil(RECORDS / 20),
          });
          for (const writers of round % 2 === 1 ? ([1, 2] as const) : ([2, 1] as const)) {
            const run = await runStages({
              key,
              records: RECORDS,
              body: body(),
              brokers: `127.0.0.1:${TEST_STACK_ENV.KAFKA_PORT}`,
              stack,
              env: ENV,
              writers,
              skipBaseline: true,
            });
            console.log(
              `round ${round} stages, 20 chunks, ${writers} writer(s): writer+delivery ${run.seconds.toFixed(1).padStart(7)} s (${(RECORDS / run.seconds).toFixed(0).padStart(7)} rec/s)`,
            );
            bestWriters[writers] = Math.min(bestWriters[writers] ?? Infinity, run.seconds);
          }
          continue;
        }
        const ours = await pipeline(key, shape);
        const theirs = SKIP_BASELINE
          ? { seconds: Number.NaN, cpuSeconds: Number.NaN, bytes: 0 }
          : await baseline(shape, accountId);
        console.log(
          `round ${round} ${shape.padEnd(16)} pipeline ${ours.seconds.toFixed(1).padStart(7)} s (${(RECORDS / ours.seconds).toFixed(0).padStart(7)} rec/s, first file ${ours.firstFileSeconds.toFixed(1)} s)` +
            `  baseline ${theirs.seconds.toFixed(1).padStart(7)} s (${(RECORDS / theirs.seconds).toFixed(0).padStart(7)} rec/s)  ratio ${(theirs.seconds / ours.seconds).toFixed(2)}`,
        );
        const kept = best[shape];
        best[shape] = {
          pipeline: !kept || ours.seconds < kept.pipeline.seconds ? ours : kept.pipeline,
          baseline: !kept || !(theirs.seconds >= kept.baseline.seconds) ? theirs : kept.baseline,
        };
      }
    }
  } finally {
    await disconnectDatabase().catch(() => undefined);
    stack('deploy/local/stack.sh', 'down');
  }
  const perShape = Object.fromEntries(
    Object.entries(best).map(([shape, { pipeline: ours, baseline: theirs }]) => [
      shape,
      {
        pipeline_rps: Math.round(RECORDS / ours.seconds),
        baseline_rps: Math.round(RECORDS / theirs.seconds),
        ratio: Number((theirs.seconds / ours.seconds).toFixed(3)),
        first_file_s: Number(ours.firstFileSeconds.toFixed(1)),
        cpu_s_per_million: {
          ...Object.fromEntries(
            WATCHED.map((name) => [
              name === 'ferretdb' ? 'database' : name,
              Number(((ours.cpuSeconds[name] * 1e6) / RECORDS).toFixed(1)),
            ]),
          ),
          baseline: Number(((theirs.cpuSeconds * 1e6) / RECORDS).toFixed(1)),
        },
        max_rss_mib: Object.fromEntries(
          WATCHED.map((name) => [name === 'ferretdb' ? 'database' : name, ours.peakRssMib[name]]),
        ),
        topic_bytes_per_record: Object.fromEntries(
          Object.entries(ours.topicBytesPerRecord).map(([topic, value]) => [topic, Number(value.toFixed(1))]),
        ),
      },
    ]),
  );
  const machine = {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const stages = bestStages && {
    stages_rps: Math.round(RECORDS / bestStages.seconds),
    stages_baseline_rps: Math.round(RECORDS / bestStages.baselineSeconds),
    stages_ratio: Number((bestStages.baselineSeconds / bestStages.seconds).toFixed(3)),
  };
  const writers = bestWriters[1] &&
    bestWriters[2] && {
      stages_chunked_rps: {
        one_writer: Math.round(RECORDS / bestWriters[1]),
        two_writers: Math.round(RECORDS / bestWriters[2]),
      },
      second_writer_speedup: Number((bestWriters[1] / bestWriters[2]).toFixed(3)),
    };
  console.log(JSON.stringify({ records: RECORDS, rounds: ROUNDS, machine, shapes: perShape, ...stages, ...writers }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

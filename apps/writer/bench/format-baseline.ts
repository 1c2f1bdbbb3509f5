/**
 * The one-process side of `make bench`'s "stages" shape: reads one job's record batches from the records topic
 * (filled beforehand by the query service) and formats them into local files with the writer's own formatting
 * (RecordFormatter, ChunkFile: columns, quoting, gzip, chunks of limitRecordsPerFile), with nothing else: no
 * staging, no progress, no delivery, no status events. What the writer and delivery services do for the same
 * batches is measured against it. Prints one JSON line: seconds, CPU seconds, records, files, bytes.
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register apps/writer/bench/format-baseline.ts \
 *     --brokers 127.0.0.1:9092 --job <jobId>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { decodePayload, RecordsBatchValue, Topic } from '@cae/contracts';
import { ChunkFile, RecordFormatter } from '@cae/formats';

const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const BROKERS = arg('--brokers').split(',');
const JOB_ID = arg('--job');

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-format-baseline', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `bench-format-baseline-${process.pid}-${Date.now()}`,
    maxBytes: 16 * 1024 * 1024,
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-format-baseline-'));
  await consumer.connect();
  await consumer.subscribe({ topic: Topic.Records, fromBeginning: true });
  const cpu = process.cpuUsage();
  const started = Date.now();
  let file: ChunkFile | null = null;
  let formatter: RecordFormatter | null = null;
  let inFile = 0;
  let records = 0;
  let files = 0;
  let bytes = 0;
  let seconds = 0;
  const finished = new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (message.key?.toString() !== JOB_ID) continue;
            const value: RecordsBatchValue = decodePayload(Topic.Records, message.value);
            formatter ??= new RecordFormatter(value.output);
            const { limitRecordsPerFile, compress } = value.output;
            let text = '';
            for (const record of value.records) {
              if (!file) {
                file = new ChunkFile(join(dir, `part-${++files}`), compress);
                text = formatter.header();
                inFile = 0;
              }
              text += formatter.line(record);
              inFile += 1;
              records += 1;
              if (limitRecordsPerFile && inFile === limitRecordsPerFile) {
                await file.append(text);
                text = '';
                bytes += (await file.close()).bytes;
                file = null;
              }
            }
            if (file && text) await file.append(text);
            if (value.final) {
              if (file) bytes += (await (file as ChunkFile).close()).bytes;
              seconds = (Date.now() - started) / 1000;
              resolve();
              return;
            }
          }
        },
      })
      .catch(reject);
  });
  try {
    await finished;
  } finally {
    await consumer.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, records, files, bytes }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

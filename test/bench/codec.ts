/**
 * Codec micro-benchmark (`make bench-codec`): what a 500-record batch costs to produce and to consume on the
 * records topic, against the JSON work alone. Prints ms per batch and ratios from one run (the machine is noisy).
 *
 *   npx ts-node --transpile-only test/bench/codec.ts [--batches 400]
 */
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { decodePayload, encodePayload, RecordsBatchValue, Topic } from '@cae/contracts';
import { toExportRecord } from '@cae/formats';
import { makeActivities } from '../support/fixtures';

const BATCHES = process.argv.includes('--batches') ? Number(process.argv[process.argv.indexOf('--batches') + 1]) : 400;
const records = makeActivities('bench', 500, 7).map((activity) => toExportRecord(activity as unknown as Record<string, unknown>));
const batch = {
  jobId: '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e', accountId: 'bench', batchSeq: 0, firstSeq: 0, records, final: false,
  output: { format: 'csv', showHeader: true, showAllProperties: false, compress: false, fileBaseName: 'bench' },
  delivery: { kind: 'internal' },
} as unknown as RecordsBatchValue;
const wire = encodePayload(Topic.Records, batch);

function msPerBatch(work: () => unknown): number {
  for (let i = 0; i < 20; i++) work();
  const started = process.hrtime.bigint();
  for (let i = 0; i < BATCHES; i++) work();
  return Number(process.hrtime.bigint() - started) / 1e6 / BATCHES;
}

const figures = {
  json_stringify: msPerBatch(() => JSON.stringify(batch)),
  encode: msPerBatch(() => encodePayload(Topic.Records, batch)),
  json_parse: msPerBatch(() => JSON.parse(wire.toString())),
  decode: msPerBatch(() => decodePayload(Topic.Records, wire)),
  // What decoding cost before records became opaque: every record turned into a class-transformer copy.
  decode_transforming_records: msPerBatch(() => validateSync(plainToInstance(RecordsBatchValue, JSON.parse(wire.toString())) as object)),
};
for (const [name, ms] of Object.entries(figures)) console.log(`${name.padEnd(28)} ${ms.toFixed(3)} ms per 500-record batch`);
console.log(JSON.stringify({
  batch_bytes: wire.length,
  ms: Object.fromEntries(Object.entries(figures).map(([name, ms]) => [name, Number(ms.toFixed(3))])),
  decode_over_parse: Number((figures.decode / figures.json_parse).toFixed(2)),
  encode_over_stringify: Number((figures.encode / figures.json_stringify).toFixed(2)),
  old_decode_over_parse: Number((figures.decode_transforming_records / figures.json_parse).toFixed(2)),
}));

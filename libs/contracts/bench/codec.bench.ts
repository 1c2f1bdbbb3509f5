/**
 * Codec micro-benchmark (`make bench-codec`): what a 500-record batch costs to produce and to consume on the
 * records topic, against the JSON work alone. Prints ms per batch and ratios from one run (the machine is noisy).
 *
 *   npx ts-node --transpile-only libs/contracts/bench/codec.bench.ts [--batches 400]
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { decodePayload, encodePayload, RecordsBatchValue, Topic } from '../src';

const BATCHES = process.argv.includes('--batches') ? Number(process.argv[process.argv.indexOf('--batches') + 1]) : 400;
// Records as the query service makes them (toExportRecord): ids and dates as strings, nested custom properties.
const records = Array.from({ length: 500 }, (_, i) => ({
  _id: (0x65a0_0000 + i).toString(16).padStart(24, '0'),
  cID: `cid-${i % 50}`,
  email: `person${i % 50}@example.com`,
  action: i % 4 === 0 ? 'purchase' : 'open',
  time: new Date(Date.UTC(2019, 2, 20) + i * 61_000).toISOString(),
  ...(i % 4 === 0
    ? { properties: { sku: `SKU-${i}`, price: i / 7, nested: { deep: [1, 'a "quoted", comma'] } } }
    : { bmID: 'bm-1', mcID: `mc-${i}`, message_name: 'Spring sale, "last" day', first: i % 2 === 0 }),
  system_properties: { ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', link: `https://example.com/p/${i}` },
}));
const batch = {
  jobId: '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e',
  accountId: 'bench',
  batchSeq: 0,
  firstSeq: 0,
  records,
  final: false,
  output: { format: 'csv', showHeader: true, showAllProperties: false, compress: false, fileBaseName: 'bench' },
  delivery: { kind: 'internal' },
} as unknown as RecordsBatchValue;
const wire = encodePayload(Topic.Records, batch);
// The records topic is gzip-compressed by the producer (one compressed record set per batch): its cost, beside.
const gzipped = gzipSync(wire);

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
  gzip: msPerBatch(() => gzipSync(wire)),
  gunzip: msPerBatch(() => gunzipSync(gzipped)),
  decode_transforming_records: msPerBatch(() =>
    validateSync(plainToInstance(RecordsBatchValue, JSON.parse(wire.toString())) as object),
  ),
};
for (const [name, ms] of Object.entries(figures))
  console.log(`${name.padEnd(28)} ${ms.toFixed(3)} ms per 500-record batch`);
console.log(
  JSON.stringify({
    batch_bytes: wire.length,
    gzip_bytes: gzipped.length,
    ms: Object.fromEntries(Object.entries(figures).map(([name, ms]) => [name, Number(ms.toFixed(3))])),
    decode_over_parse: Number((figures.decode / figures.json_parse).toFixed(2)),
    encode_over_stringify: Number((figures.encode / figures.json_stringify).toFixed(2)),
    old_decode_over_parse: Number((figures.decode_transforming_records / figures.json_parse).toFixed(2)),
  }),
);

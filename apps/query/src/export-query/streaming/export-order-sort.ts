import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BSON, ObjectId } from 'mongodb';
import { PreparedRecord } from './prepared-record';

const { deserialize, serialize } = BSON;

/**
 * Sorts an export's records into the export order (time, then _id) in the query service, in bounded memory, for
 * a database that cannot: FerretDB 1.x sorts a whole result in its own memory (about 5 KiB per record: 1.1 GiB for
 * 200,000 records), so a large export on the embedded database would need more memory than the machine has. With
 * this, the database streams the matching documents unsorted and holds none of them.
 *
 * A classic external merge sort of prepared records (see PreparedRecord: the order's two values, exact types, and
 * the record's JSON text): they are kept in runs of about `runBytes`; a full run is sorted and written to a file
 * under `dir` (each record a small BSON document, so the time and _id keep their types); at the end the runs are
 * merged. An export that fits in one run never touches the disk. The files are removed when the iteration ends,
 * however it ends. Memory: one run, plus a read buffer per open run file while merging. At most `maxFanIn` run files
 * are open at once: with more runs (a bigger export), runs are first merged into longer ones, so the merge's buffers
 * do not grow with the export (5,000,000 records made about 90 runs of 16 MiB, and each open run holds its read
 * buffers).
 */
export interface ExportOrderSortOptions {
  /** Parent folder of the run files (a private sub-folder is made per sort). */
  dir: string;
  /** Bytes of records kept in memory before a run is written out. */
  runBytes: number;
  /** Run files merged at once (default 128); more runs are merged in passes. */
  maxFanIn?: number;
  /** Read buffer of each open run file while merging (default 64 KiB). */
  readBufferBytes?: number;
}

const DEFAULT_MAX_FAN_IN = 128;
const DEFAULT_READ_BUFFER_BYTES = 64 * 1024;
/** What a record held in a run costs beside its text (the object, its date and id), counted against runBytes. */
const RECORD_OVERHEAD_BYTES = 96;

export async function* sortedInExportOrder(
  source: AsyncIterable<PreparedRecord>,
  options: ExportOrderSortOptions,
): AsyncGenerator<PreparedRecord> {
  let run: PreparedRecord[] = [];
  let runBytes = 0;
  let folder: string | undefined;
  const runFiles: string[] = [];
  try {
    for await (const record of source) {
      run.push(record);
      runBytes += record.json.length + RECORD_OVERHEAD_BYTES;
      if (runBytes < options.runBytes) continue;
      folder ??= await mkdtemp(join(options.dir, 'export-sort-'));
      runFiles.push(await writeRun(run, join(folder, `run-${runFiles.length}.bson`)));
      run = [];
      runBytes = 0;
    }
    run.sort(compareRecords);
    if (runFiles.length === 0) {
      yield* run;
      return;
    }
    if (run.length > 0) runFiles.push(await writeRun(run, join(folder as string, `run-${runFiles.length}.bson`)));
    run = [];
    const maxFanIn = Math.max(2, options.maxFanIn ?? DEFAULT_MAX_FAN_IN);
    const readBufferBytes = options.readBufferBytes ?? DEFAULT_READ_BUFFER_BYTES;
    for (let pass = 0; runFiles.length > maxFanIn; pass++) {
      // Merge just enough of the oldest runs into one that the rest fit in a single final merge.
      const group = runFiles.splice(0, Math.min(maxFanIn, runFiles.length - maxFanIn + 1));
      runFiles.push(await mergeToFile(group, join(folder as string, `merged-${pass}.bson`), readBufferBytes));
    }
    for await (const entry of mergeRuns(runFiles, readBufferBytes)) yield entry.record;
  } finally {
    if (folder) await rm(folder, { recursive: true, force: true });
  }
}

/** A record as a run file holds it: `{t: time, i: _id, r: text}` in BSON (exact types for the order's values). */
function encodeRecord(record: PreparedRecord): Buffer {
  return Buffer.from(serialize({ t: record.time, i: record.id, r: record.json }));
}

function decodeRecord(bson: Buffer): PreparedRecord {
  const { t, i, r } = deserialize(bson);
  return { time: t, id: i, json: r as string };
}

/** Writes a run sorted, 512 records at a time (no second copy of the run in memory). */
async function writeRun(run: PreparedRecord[], path: string): Promise<string> {
  run.sort(compareRecords);
  return writeBuffers(
    (function* () {
      for (const record of run) yield encodeRecord(record);
    })(),
    path,
  );
}

/** Merges run files into one longer run file and removes them. */
async function mergeToFile(paths: string[], path: string, readBufferBytes: number): Promise<string> {
  const merged = mergeRuns(paths, readBufferBytes);
  await writeBuffers(
    (async function* () {
      for await (const entry of merged) yield entry.bson;
    })(),
    path,
  );
  await Promise.all(paths.map((input) => rm(input, { force: true })));
  return path;
}

/** Writes BSON documents to a new file, 512 at a time. */
async function writeBuffers(buffers: Iterable<Buffer> | AsyncIterable<Buffer>, path: string): Promise<string> {
  const file = await open(path, 'wx');
  try {
    let pending: Buffer[] = [];
    const flush = async () => {
      const expected = pending.reduce((sum, buffer) => sum + buffer.length, 0);
      const { bytesWritten } = await file.writev(pending);
      if (bytesWritten !== expected) throw new Error(`short write to ${path}: ${bytesWritten} of ${expected} bytes`);
      pending = [];
    };
    for await (const buffer of buffers) {
      pending.push(buffer);
      if (pending.length === 512) await flush();
    }
    if (pending.length > 0) await flush();
  } finally {
    await file.close();
  }
  return path;
}

/** Merges sorted run files: a binary heap of one current record per run. */
async function* mergeRuns(
  paths: string[],
  readBufferBytes: number,
): AsyncGenerator<{ record: PreparedRecord; bson: Buffer }> {
  const readers = paths.map((path) => bsonDocuments(path, readBufferBytes));
  const heap: { record: PreparedRecord; bson: Buffer; reader: AsyncGenerator<Buffer> }[] = [];
  const push = (item: (typeof heap)[number]) => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (compareRecords(heap[parent].record, heap[i].record) <= 0) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  };
  const popTop = () => {
    const top = heap[0];
    const last = heap.pop() as (typeof heap)[number];
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && compareRecords(heap[left].record, heap[smallest].record) < 0) smallest = left;
        if (right < heap.length && compareRecords(heap[right].record, heap[smallest].record) < 0) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i], heap[smallest]];
        i = smallest;
      }
    }
    return top;
  };
  const advance = async (reader: AsyncGenerator<Buffer>) => {
    const next = await reader.next();
    if (next.done) return;
    push({ record: decodeRecord(next.value), bson: next.value, reader });
  };
  try {
    for (const reader of readers) await advance(reader);
    while (heap.length > 0) {
      const { record, bson, reader } = popTop();
      yield { record, bson };
      await advance(reader);
    }
  } finally {
    await Promise.all(readers.map((reader) => reader.return(undefined)));
  }
}

/** The BSON documents of a run file, one at a time (each starts with its own int32 length). */
async function* bsonDocuments(path: string, readBufferBytes: number): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  const stream = createReadStream(path, { highWaterMark: readBufferBytes });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      while (pending.length - offset >= 4) {
        const size = pending.readInt32LE(offset);
        if (pending.length - offset < size) break;
        yield pending.subarray(offset, offset + size);
        offset += size;
      }
      pending = pending.subarray(offset);
    }
    if (pending.length > 0) throw new Error(`run file ${path} ends inside a document`);
  } finally {
    stream.destroy();
  }
}

function compareRecords(a: PreparedRecord, b: PreparedRecord): number {
  return compareSortValues(a.time, b.time) || compareSortValues(a.id, b.id);
}

/**
 * MongoDB's order of values of different types (sort and comparison): null and missing, numbers, strings, objects,
 * arrays, binary, ObjectId, booleans, dates, then the rest. Arrays sort by type only here (MongoDB would take their
 * smallest element); activities carry a single date and id.
 */
function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value === 'number' || typeof value === 'bigint') return 2;
  if (typeof value === 'string') return 3;
  if (value instanceof ObjectId) return 7;
  if (typeof value === 'boolean') return 8;
  if (value instanceof Date) return 9;
  if (Array.isArray(value)) return 5;
  if (Buffer.isBuffer(value) || (value as { _bsontype?: string })._bsontype === 'Binary') return 6;
  if ((value as { _bsontype?: string })._bsontype) return 10;
  return 4;
}

export function compareSortValues(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA - rankB;
  switch (rankA) {
    case 1:
      return 0;
    case 2:
      return Number(a) - Number(b) || 0;
    case 3:
      return a === b ? 0 : Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)); // UTF-8 bytes, as MongoDB
    case 7:
      return Buffer.compare((a as ObjectId).id, (b as ObjectId).id);
    case 8:
      return Number(a) - Number(b);
    case 9:
      return (a as Date).getTime() - (b as Date).getTime() || 0;
    default:
      // Same rank of a kind an activity's time or _id never has: a stable, if not MongoDB's, order.
      return compareText(JSON.stringify(a), JSON.stringify(b));
  }
}

function compareText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

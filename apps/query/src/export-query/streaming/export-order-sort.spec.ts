import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectId } from 'mongodb';
import { compareSortValues, sortedInExportOrder } from './export-order-sort';
import { PreparedRecord } from './prepared-record';

function activities(count: number, seed = 1): PreparedRecord[] {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: count }, (_, i) => ({
    id: new ObjectId(),
    // Many equal times, so the _id tie-break matters; some big payloads, so runs differ in length.
    time: new Date(Date.UTC(2019, 2, 20) + Math.floor(random() * 50) * 1000),
    json: JSON.stringify({ n: i, payload: i % 97 === 0 ? 'x'.repeat(5_000) : `p${i}`, nested: { list: [1, 'two'] } }),
  }));
}

function exportOrder(records: PreparedRecord[]): PreparedRecord[] {
  return [...records].sort(
    (a, b) =>
      (a.time as Date).getTime() - (b.time as Date).getTime() ||
      (a.id as ObjectId).toHexString().localeCompare((b.id as ObjectId).toHexString()),
  );
}

async function* from<T>(items: T[], failAfter?: number): AsyncGenerator<T> {
  for (const [i, item] of items.entries()) {
    if (i === failAfter) throw new Error('cursor died');
    yield item;
  }
}

async function collect(source: AsyncIterable<PreparedRecord>): Promise<PreparedRecord[]> {
  const out: PreparedRecord[] = [];
  for await (const record of source) out.push(record);
  return out;
}

describe('sortedInExportOrder', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sort-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sorts in memory when everything fits in one run, and writes no file', async () => {
    const input = activities(500);
    const output = await collect(sortedInExportOrder(from(input), { dir, runBytes: 64 * 1024 * 1024 }));
    expect(output).toEqual(exportOrder(input));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('merges many run files into the export order, with every value and type intact', async () => {
    const input = activities(5_000, 7);
    const seen: string[][] = [];
    const output: PreparedRecord[] = [];
    for await (const record of sortedInExportOrder(from(input), { dir, runBytes: 20 * 1024 })) {
      if (output.length === 0) seen.push(readdirSync(dir).flatMap((sub) => readdirSync(join(dir, sub))));
      output.push(record);
    }
    expect(seen[0].length).toBeGreaterThan(20);
    expect(output).toEqual(exportOrder(input));
    expect(output[0].id).toBeInstanceOf(ObjectId);
    expect(output[0].time).toBeInstanceOf(Date);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('merges at most maxFanIn runs at once: more runs are first merged into longer ones (bounded merge buffers)', async () => {
    const input = activities(6_000, 11);
    const options = { dir, runBytes: 16 * 1024, maxFanIn: 4, readBufferBytes: 1024 };
    let openAtFirst: string[] = [];
    const output: PreparedRecord[] = [];
    for await (const record of sortedInExportOrder(from(input), options)) {
      if (output.length === 0) openAtFirst = readdirSync(dir).flatMap((sub) => readdirSync(join(dir, sub)));
      output.push(record);
    }
    // About 40 runs were written; the final merge reads at most 4 files, so the rest went through longer runs.
    expect(openAtFirst.length).toBeLessThanOrEqual(4);
    expect(openAtFirst.some((name) => name.startsWith('merged-'))).toBe(true);
    expect(output).toEqual(exportOrder(input));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps times of other types in MongoDB order through the run files (a missing time stays missing or null, the same rank)', async () => {
    const odd = [new Date(5), 'a string', 42, undefined, null, new Date(1)].map((time, i) => ({
      time,
      id: new ObjectId(i + 1),
      json: JSON.stringify({ i }),
    }));
    const filler = activities(400, 3);
    const output = await collect(sortedInExportOrder(from([...odd, ...filler]), { dir, runBytes: 4 * 1024 }));
    expect(output.slice(0, 6).map((record) => record.json)).toEqual(
      [3, 4, 2, 1, 5, 0].map((i) => JSON.stringify({ i })),
    );
    expect(output.slice(0, 4).map((record) => record.time ?? null)).toEqual([null, null, 42, 'a string']);
    expect(output[4].time).toEqual(new Date(1));
    expect(output).toHaveLength(406);
  });

  it('stops cleanly inside a merge pass and removes every file', async () => {
    const options = { dir, runBytes: 16 * 1024, maxFanIn: 3 };
    await expect(collect(sortedInExportOrder(from(activities(3_000), 2_999), options))).rejects.toThrow('cursor died');
    expect(readdirSync(dir)).toEqual([]);
    for await (const _document of sortedInExportOrder(from(activities(3_000)), options)) break;
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes its files when the reader stops early (lease lost, service stopping)', async () => {
    for await (const _document of sortedInExportOrder(from(activities(3_000)), { dir, runBytes: 16 * 1024 })) {
      expect(readdirSync(dir)).toHaveLength(1);
      break;
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('passes a failing source on and removes its files', async () => {
    await expect(
      collect(sortedInExportOrder(from(activities(3_000), 2_500), { dir, runBytes: 16 * 1024 })),
    ).rejects.toThrow('cursor died');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('compareSortValues (MongoDB order across types)', () => {
  it('orders null/missing < numbers < strings < objects < ObjectId < booleans < dates', () => {
    const ordered = [
      null,
      -1,
      2.5,
      '',
      'a',
      { a: 1 },
      new ObjectId('000000000000000000000000'),
      false,
      true,
      new Date(0),
    ];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareSortValues)).toEqual(ordered);
    expect(compareSortValues(undefined, null)).toBe(0);
  });

  it('compares strings by their UTF-8 bytes, like MongoDB, not by UTF-16 units', () => {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) comes before U+1F600 (4 bytes, F0 ...) in UTF-8 but after it in UTF-16.
    expect(compareSortValues('\uFF5E', '\u{1F600}')).toBeLessThan(0);
  });
});

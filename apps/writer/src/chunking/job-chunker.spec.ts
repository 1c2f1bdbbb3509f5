import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { OutputSpec, RecordsBatchValue } from '@cae/contracts';
import { chunkPieces } from './chunk-pieces';
import { ChunkRange, FinishedChunk, JobChunker, RecordGapError, StageChunk } from './job-chunker';
import { WriterProgress } from './writer-progress.repository';

const jobId = '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e';
const fresh = { stagedThroughSeq: 0, chunksStaged: 0, done: false };

function output(over: Partial<OutputSpec> = {}): OutputSpec {
  return { format: 'json', showHeader: true, showAllProperties: false, compress: false, fileBaseName: 'exp', ...over };
}

/** Batches of `size` records numbered from 0, the last one final. */
function batches(total: number, size: number, out: OutputSpec): RecordsBatchValue[] {
  const result: RecordsBatchValue[] = [];
  for (let first = 0, seq = 0; first < total || result.length === 0; first += size, seq++) {
    const records = Array.from({ length: Math.max(0, Math.min(size, total - first)) }, (_, i) => ({ n: first + i }));
    result.push({
      jobId,
      accountId: 'acc',
      batchSeq: seq,
      firstSeq: first,
      records,
      final: first + size >= total,
      totalRecords: first + size >= total ? total : undefined,
      output: out,
      delivery: { kind: 'internal' },
    });
  }
  return result;
}

/** Collects staged chunks with their contents (read before the chunker deletes the local file). */
function collector() {
  const staged: (FinishedChunk & { text: string })[] = [];
  const stage = async (chunk: FinishedChunk) => {
    const bytes = readFileSync(chunk.path);
    staged.push({ ...chunk, text: (chunk.output.compress ? gunzipSync(bytes) : bytes).toString() });
  };
  return { staged, stage };
}

const numbers = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).n as number);

describe(JobChunker.name, () => {
  // A folder per test: a chunker a test leaves with an open chunk file (a failed batch) must not write into the
  // next test's file of the same name (seen once as a flaky failure on a busy machine).
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chunker-'));
  });

  /** The chunkers of one chunked job, fed the way RecordsConsumer feeds them: each chunk's piece of a batch. */
  function chunkedJob(
    stage: StageChunk,
    progressOf: (range: ChunkRange) => WriterProgress = (range) => ({ stagedThroughSeq: range.start, done: false }),
  ) {
    const chunkers = new Map<number, JobChunker>();
    const chunkerOf = (range: ChunkRange) => {
      const known =
        chunkers.get(range.index) ?? new JobChunker(jobId, 0, progressOf(range), dir, stage, undefined, range);
      chunkers.set(range.index, known);
      return known;
    };
    return {
      chunkers,
      accept: async (batch: RecordsBatchValue, offset: string) => {
        for (const piece of chunkPieces(batch)) await chunkerOf(piece.range).accept(piece.batch, offset);
      },
    };
  }

  it('cuts chunks at limitRecordsPerFile by record sequence and marks only the last one', async () => {
    const out = output({ limitRecordsPerFile: 4 });
    const { staged, stage } = collector();
    const sut = chunkedJob(stage);
    for (const [i, batch] of batches(10, 3, out).entries()) await sut.accept(batch, String(i));
    expect(staged.map((c) => [c.fileName, c.records, c.last])).toEqual([
      ['exp-part-00001.json', 4, false],
      ['exp-part-00002.json', 4, false],
      ['exp-part-00003.json', 2, true],
    ]);
    expect(staged.flatMap((c) => numbers(c.text))).toEqual([...Array(10).keys()]);
    expect(staged[2].totalRecords).toBe(10);
    expect([...sut.chunkers.values()].every((chunker) => chunker.done)).toBe(true);
  });

  it('stages a full chunk at once, as the last file when its batch is final', async () => {
    const out = output({ limitRecordsPerFile: 5 });
    const { staged, stage } = collector();
    const sut = chunkedJob(stage);
    await sut.accept({ ...batches(10, 5, out)[0] }, '0');
    expect(staged.map((c) => [c.fileName, c.records, c.last])).toEqual([['exp-part-00001.json', 5, false]]);
    await sut.accept(batches(10, 5, out)[1], '1');
    expect(staged.map((c) => [c.fileName, c.records, c.last, c.totalRecords])).toEqual([
      ['exp-part-00001.json', 5, false, undefined],
      ['exp-part-00002.json', 5, true, 10],
    ]);
  });

  it('ends with an empty last file when a full chunk was staged before a re-read found nothing more', async () => {
    const out = output({ limitRecordsPerFile: 5 });
    const { staged, stage } = collector();
    const sut = chunkedJob(stage);
    await sut.accept({ ...batches(5, 5, out)[0], final: false, totalRecords: undefined }, '0');
    await sut.accept(
      { ...batches(5, 5, out)[0], batchSeq: 1, firstSeq: 5, records: [], final: true, totalRecords: 5 },
      '1',
    );
    expect(staged.map((c) => [c.fileName, c.records, c.last])).toEqual([
      ['exp-part-00001.json', 5, false],
      ['exp-part-00002.json', 0, true],
    ]);
  });

  it('lets the chunks of one job be written apart, in any order, each knowing the record before it', async () => {
    const out = output({ limitRecordsPerFile: 4 });
    const { staged, stage } = collector();
    const sut = chunkedJob(stage);
    const all = batches(12, 4, out).map((batch, i) =>
      i > 0 ? { ...batch, after: `key-${batch.firstSeq - 1}` } : batch,
    );
    for (const i of [2, 0, 1]) await sut.accept(all[i], String(i));
    expect(staged.map((c) => [c.index, c.firstSeq, c.records, c.last, c.afterKey])).toEqual([
      [2, 8, 4, true, 'key-7'],
      [0, 0, 4, false, undefined],
      [1, 4, 4, false, 'key-3'],
    ]);
  });

  it('skips batches and records already seen, so redelivery writes nothing twice', async () => {
    const out = output({ limitRecordsPerFile: 4 });
    const all = batches(10, 3, out);
    const { staged, stage } = collector();
    const sut = chunkedJob(stage);
    for (const [i, batch] of [all[0], all[1], all[0], all[1], all[2], all[3], all[3]].entries()) {
      await sut.accept(batch, String(i));
    }
    expect(staged.flatMap((c) => numbers(c.text))).toEqual([...Array(10).keys()]);
  });

  it('resumes from durable progress and produces byte-identical chunks', async () => {
    const out = output({ limitRecordsPerFile: 4, compress: true, format: 'csv', columns: [{ name: 'n', label: 'N' }] });
    const all = batches(10, 3, out);
    const straight = collector();
    const once = chunkedJob(straight.stage);
    for (const [i, batch] of all.entries()) await once.accept(batch, String(i));

    // Crash after the first chunk was staged: chunk 0 is durable; re-read from the batch holding record 4.
    const resumed = collector();
    const sut = chunkedJob(resumed.stage, (range) =>
      range.index === 0 ? { stagedThroughSeq: 4, done: true } : { stagedThroughSeq: range.start, done: false },
    );
    for (const [i, batch] of all.slice(1).entries()) await sut.accept(batch, String(i + 1));
    expect(resumed.staged.map((c) => [c.fileName, c.sha256])).toEqual(
      straight.staged.slice(1).map((c) => [c.fileName, c.sha256]),
    );
    expect(resumed.staged[0].text).toBe('N\r\n4\r\n5\r\n6\r\n7\r\n');
  });

  it('holds the offset of the batch where each open chunk started', async () => {
    const out = output({ limitRecordsPerFile: 4 });
    const all = batches(10, 3, out);
    const sut = chunkedJob(collector().stage);
    const held = () => [...sut.chunkers.values()].map((chunker) => chunker.heldOffset);
    await sut.accept(all[0], '100');
    expect(held()).toEqual(['100']);
    await sut.accept(all[1], '101'); // records 3..5: chunk 0 full (staged) at 3, chunk 1 opens at 4 in this batch
    expect(held()).toEqual([null, '101']);
    await sut.accept(all[2], '102');
    await sut.accept(all[3], '103');
    expect(held()).toEqual([null, null, null]);
  });

  it('writes one header-only file for an export that matched nothing', async () => {
    const out = output({ format: 'csv', columns: [{ name: 'n', label: 'N' }] });
    const { staged, stage } = collector();
    const sut = new JobChunker(jobId, 0, fresh, dir, stage);
    await sut.accept(batches(0, 3, out)[0], '0');
    expect(staged.map((c) => [c.fileName, c.records, c.last, c.text])).toEqual([['exp.csv', 0, true, 'N\r\n']]);
  });

  it('reports a gap instead of writing a file with missing records', async () => {
    const all = batches(10, 3, output());
    const sut = new JobChunker(jobId, 0, fresh, dir, collector().stage);
    await expect(sut.accept(all[1], '1')).rejects.toBeInstanceOf(RecordGapError);
  });

  it('ignores everything once the job is done', async () => {
    const { staged, stage } = collector();
    const sut = new JobChunker(jobId, 0, { stagedThroughSeq: 10, chunksStaged: 1, done: true }, dir, stage);
    for (const batch of batches(10, 3, output())) await sut.accept(batch, '0');
    expect(staged).toHaveLength(0);
  });

  it('stages the same closed file again when staging failed once', async () => {
    const out = output({ limitRecordsPerFile: 2 });
    const { staged, stage } = collector();
    let failures = 1;
    const flaky = async (chunk: FinishedChunk) => {
      if (failures-- > 0) throw new Error('storage briefly away');
      await stage(chunk);
    };
    const sut = new JobChunker(jobId, 0, fresh, dir, flaky);
    const [batch] = batches(3, 3, out);
    await expect(sut.accept(batch, '0')).rejects.toThrow('storage briefly away');
    await sut.accept(batch, '0');
    expect(staged.flatMap((c) => numbers(c.text))).toEqual([0, 1, 2]);
  });

  it.each([false, true])(
    'fails the job LOCAL_DISK_FULL when the local disk is full (compress=%s), and leaves no file',
    async (compress) => {
      const full = mkdtempSync(join(tmpdir(), 'chunker-full-'));
      // The chunk's local file is /dev/full, which answers every write with ENOSPC as a full disk does.
      symlinkSync('/dev/full', join(full, `${jobId}-0.part`));
      const { staged, stage } = collector();
      const sut = new JobChunker(jobId, 0, fresh, full, stage, (index) => join(full, `${jobId}-${index}.part`));
      const out = output({ compress });
      const written = (async () => {
        for (const [i, batch] of batches(50_000, 5_000, out).entries()) await sut.accept(batch, String(i));
      })();
      await expect(written).rejects.toMatchObject({ code: 'LOCAL_DISK_FULL' });
      expect(staged).toEqual([]);
      expect(sut.heldOffset).toBeNull();
      expect(existsSync(join(full, `${jobId}-0.part`))).toBe(false);
    },
  );

  describe('continuity of re-read records', () => {
    const rec = (i: number) => ({ _id: `id${i}`, time: `2020-01-01T00:00:0${i}.000Z` });
    const batch = (firstSeq: number, ids: number[], over: Partial<RecordsBatchValue> = {}): RecordsBatchValue => ({
      jobId,
      accountId: 'acc',
      batchSeq: 0,
      firstSeq,
      records: ids.map(rec),
      final: false,
      output: output(),
      delivery: { kind: 'internal' },
      ...over,
    });

    it('continues a batch read again that matches what was written', async () => {
      const { staged, stage } = collector();
      const sut = new JobChunker(jobId, 0, fresh, dir, stage);
      await sut.accept(batch(0, [0, 1, 2]), '0');
      await sut.accept(batch(0, [0, 1, 2, 3], { final: true, totalRecords: 4 }), '1');
      expect(staged.map((c) => c.records)).toEqual([4]);
    });

    it('fails REPLAY_DIVERGED when a record appeared in the part already written', async () => {
      const sut = new JobChunker(jobId, 0, fresh, dir, collector().stage);
      await sut.accept(batch(0, [0, 1, 2]), '0');
      await expect(sut.accept(batch(0, [0, 9, 1, 2], { final: true, totalRecords: 4 }), '1')).rejects.toMatchObject({
        code: 'REPLAY_DIVERGED',
      });
    });

    it('fails REPLAY_DIVERGED when the next batch does not continue from the last record written', async () => {
      const sut = new JobChunker(jobId, 0, fresh, dir, collector().stage);
      await sut.accept(batch(0, [0, 1, 2]), '0');
      await expect(
        sut.accept(batch(3, [4], { after: JSON.stringify([rec(3).time, rec(3)._id]) }), '1'),
      ).rejects.toMatchObject({ code: 'REPLAY_DIVERGED' });
      const ok = new JobChunker(jobId, 0, fresh, dir, collector().stage);
      await ok.accept(batch(0, [0, 1, 2]), '0');
      await expect(
        ok.accept(batch(3, [3], { after: JSON.stringify([rec(2).time, rec(2)._id]) }), '1'),
      ).resolves.toBeUndefined();
    });

    it('checks against the staged progress after a restart', async () => {
      const progress = {
        stagedThroughSeq: 2,
        stagedThroughKey: JSON.stringify([rec(1).time, rec(1)._id]),
        chunksStaged: 1,
        done: false,
      };
      const sut = new JobChunker(jobId, 0, progress, dir, collector().stage);
      await expect(sut.accept(batch(0, [0, 5, 2]), '0')).rejects.toMatchObject({ code: 'REPLAY_DIVERGED' });
    });
  });

  it("gives every chunk file a name of its own, so a dropped chunker cannot write into its successor's file", async () => {
    const [first, second] = [collector(), collector()];
    const [batch] = batches(3, 3, output());
    await new JobChunker(jobId, 0, fresh, dir, first.stage).accept(batch, '0');
    await new JobChunker(jobId, 0, fresh, dir, second.stage).accept(batch, '0');
    expect(first.staged[0].path).not.toBe(second.staged[0].path);
    expect(numbers(second.staged[0].text)).toEqual([0, 1, 2]);
  });

  it('drops the late batches of a query replica that lost the job (lower fencing epoch)', async () => {
    const { staged, stage } = collector();
    const sut = new JobChunker(jobId, 0, fresh, dir, stage);
    const [first, last] = batches(6, 3, output());
    await sut.accept({ ...first, epoch: 1 }, '0');
    await sut.accept({ ...first, epoch: 2 }, '1');
    // The deposed replica's final batch claims a different total: dropped, not written and not checked.
    await sut.accept({ ...last, epoch: 1, totalRecords: 99 }, '2');
    expect(staged).toEqual([]);
    await sut.accept({ ...last, epoch: 2 }, '3');
    expect(staged.flatMap((c) => numbers(c.text))).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

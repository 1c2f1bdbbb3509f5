import { RecordsBatchValue } from '@cae/contracts';
import { chunkIndexOf, recordKeyOf } from '@cae/formats';
import { ChunkRange, WHOLE_EXPORT } from './job-chunker';

/** The part of a records batch that falls in one chunk, as a batch of its own. */
export interface ChunkPiece {
  range: ChunkRange;
  batch: RecordsBatchValue;
}

/**
 * Splits a batch by chunk, so each chunk's chunker takes only its own records. The query cuts batches at chunk
 * boundaries already (one piece); a batch from a query from before chunk keys may span several. Each piece keeps the
 * continuity key of the record before it; only the piece that ends the batch keeps `final` and `totalRecords`.
 * An unchunked export is one range; an empty batch belongs to the chunk of its `firstSeq`.
 */
export function chunkPieces(batch: RecordsBatchValue): ChunkPiece[] {
  const limit = batch.output.limitRecordsPerFile;
  if (!limit) return [{ range: WHOLE_EXPORT, batch }];
  const rangeOf = (seq: number): ChunkRange => {
    const index = chunkIndexOf(seq, limit);
    return { index, start: index * limit, end: (index + 1) * limit };
  };
  if (batch.records.length === 0) return [{ range: rangeOf(batch.firstSeq), batch }];
  const pieces: ChunkPiece[] = [];
  for (let from = 0; from < batch.records.length;) {
    const range = rangeOf(batch.firstSeq + from);
    const to = Math.min(batch.records.length, range.end - batch.firstSeq);
    const last = to === batch.records.length;
    pieces.push({
      range,
      batch: {
        ...batch,
        firstSeq: batch.firstSeq + from,
        records: from === 0 && last ? batch.records : batch.records.slice(from, to),
        after: from === 0 ? batch.after : recordKeyOf(batch.records[from - 1]),
        final: batch.final && last,
        totalRecords: last ? batch.totalRecords : undefined,
      },
    });
    from = to;
  }
  return pieces;
}

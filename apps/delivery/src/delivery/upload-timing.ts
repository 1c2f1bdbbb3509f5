import { ChunkStagedValue } from '@cae/contracts';

/**
 * The reference's upload-timing rule (its S3 note), applied to every destination: uncompressed chunked exports
 * deliver each chunk as soon as it is staged; compressed chunked exports deliver all chunks together once the
 * export is complete. An unchunked export has one file, delivered when it is staged.
 */
export function deliversEachChunkAtOnce(chunk: Pick<ChunkStagedValue, 'compressed' | 'chunked'>): boolean {
  return !(chunk.compressed && chunk.chunked);
}

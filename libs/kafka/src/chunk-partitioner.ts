import { ICustomPartitioner, Partitioners } from 'kafkajs';

/** A records key of one chunk of a job: `<jobId>:<chunkIndex>` (see recordsKey in the contracts lib). */
const CHUNK_KEY = /^([0-9a-f-]{36}):(\d{1,9})$/i;

/**
 * murmur2 of the key (the Java clients' default), except for the records of one chunk of a job: chunk k goes to the
 * partition of the job's id plus k, so consecutive chunks of a job take the partitions in turn. Hashing each chunk
 * key apart once gave two writers 15 and 5 of an export's 20 chunks; in turn, 20 chunks over 6 partitions are 4, 4, 3,
 * 3, 3, 3. A chunk still always lands on one partition (its batches stay in order) while the partition count stays.
 */
export const ChunkSpreadingPartitioner: ICustomPartitioner = () => {
  const murmur = Partitioners.DefaultPartitioner();
  return (args) => {
    const chunk = CHUNK_KEY.exec(args.message.key?.toString() ?? '');
    if (!chunk) return murmur(args);
    const jobPartition = murmur({ ...args, message: { ...args.message, key: chunk[1] } });
    return (jobPartition + Number(chunk[2])) % args.partitionMetadata.length;
  };
};

import { PartitionerArgs, Partitioners } from 'kafkajs';
import { ChunkSpreadingPartitioner } from './chunk-partitioner';

const partitionMetadata = [0, 1, 2, 3, 4, 5].map((partitionId) => ({
  partitionId,
  leader: 0,
  replicas: [0],
  isr: [0],
  offlineReplicas: [],
  partitionErrorCode: 0,
}));
const args = (key: string): PartitionerArgs => ({ topic: 'records', partitionMetadata, message: { key, value: 'x' } });
const jobId = '1371952e-83b4-4df0-9de0-b7fd55e0d634';

describe('ChunkSpreadingPartitioner', () => {
  const sut = ChunkSpreadingPartitioner();
  const murmur = Partitioners.DefaultPartitioner();

  it('puts any other key where the Java clients would (murmur2)', () => {
    for (const key of [jobId, 'unknown', `${jobId}:x`]) expect(sut(args(key))).toBe(murmur(args(key)));
  });

  it("gives the chunks of one job the partitions in turn, from the job's own partition", () => {
    const first = murmur(args(jobId));
    const partitions = Array.from({ length: 20 }, (_, k) => sut(args(`${jobId}:${k}`)));
    expect(partitions).toEqual(Array.from({ length: 20 }, (_, k) => (first + k) % 6));
    const perPartition = [0, 1, 2, 3, 4, 5].map((p) => partitions.filter((each) => each === p).length).sort();
    expect(perPartition).toEqual([3, 3, 3, 3, 4, 4]);
  });

  it('always puts a chunk on the same partition', () => {
    expect(sut(args(`${jobId}:7`))).toBe(sut(args(`${jobId}:7`)));
  });
});

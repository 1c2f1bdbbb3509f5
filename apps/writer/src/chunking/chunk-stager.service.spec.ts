import { OutputSpec } from '@cae/contracts';
import { ChunkStager } from './chunk-stager.service';
import { FinishedChunk } from './job-chunker';
import { ChunkEdges, WriterProgress } from './writer-progress.repository';

/** The stager against in-memory stand-ins: what it checks and in which order it makes a chunk durable. */
function stagerWith(neighbours: { previous?: ChunkEdges; next?: ChunkEdges }) {
  const steps: string[] = [];
  const storage = { putFile: async () => void steps.push('put'), ensureBucket: async () => undefined };
  const producer = { publish: async () => void steps.push('event') };
  const progress = {
    claimEdges: async (_: string, index: number, edges: ChunkEdges) => (
      steps.push(`edges ${index} ${edges.afterKey}..${edges.lastKey}`),
      neighbours
    ),
    save: async (id: string, p: WriterProgress) => void steps.push(`save ${id.slice(-2)} done=${p.done}`),
    markJobDone: async (_: string, how: string) => void steps.push(`job ${how}`),
    touch: async () => void steps.push('touch'),
  };
  const jobs = { assertRunning: async () => undefined };
  const env = { STAGING_BUCKET: 'staging', S3_CREATE_BUCKETS: false };
  const sut = new ChunkStager(storage as never, progress as never, producer as never, env as never, jobs as never);
  return { sut, steps };
}

const chunk = (over: Partial<FinishedChunk> = {}): FinishedChunk => ({
  path: '/tmp/x',
  bytes: 10,
  sha256: 'abc',
  jobId: '0b7c6f4e-8a31-4c1e-9d55-3f2a1b0c9e77',
  accountId: 'acme',
  index: 1,
  fileName: 'x-part-00002.csv',
  firstSeq: 4,
  records: 4,
  afterKey: 'k3',
  lastKey: 'k7',
  last: false,
  output: { format: 'csv', fileBaseName: 'x', compress: false, limitRecordsPerFile: 4 } as OutputSpec,
  delivery: { kind: 'internal' } as never,
  ...over,
});

describe(ChunkStager.name, () => {
  it('stages a chunk whose edges meet its neighbours: file, edges, event, then progress', async () => {
    const { sut, steps } = stagerWith({ previous: { lastKey: 'k3' }, next: { afterKey: 'k7' } });
    await sut.stage(chunk());
    expect(steps).toEqual(['put', 'edges 1 k3..k7', 'event', 'save :1 done=true', 'touch']);
  });

  it('stages a chunk whose neighbours are not staged yet (they check against it when they are)', async () => {
    const { sut, steps } = stagerWith({});
    await sut.stage(chunk({ last: true }));
    expect(steps).toEqual(['put', 'edges 1 k3..k7', 'event', 'save :1 done=true', 'job finished']);
  });

  it.each([
    ['the previous chunk ends elsewhere than where this one starts', { previous: { lastKey: 'k2' } }],
    ['the next chunk starts elsewhere than where this one ends', { next: { afterKey: 'k8' } }],
  ])('fails REPLAY_DIVERGED, with no chunk event, when %s', async (_, neighbours) => {
    const { sut, steps } = stagerWith(neighbours);
    await expect(sut.stage(chunk())).rejects.toMatchObject({ code: 'REPLAY_DIVERGED' });
    expect(steps).not.toContain('event');
  });

  it("stages an unchunked export's file without edges, its progress on the job", async () => {
    const { sut, steps } = stagerWith({});
    await sut.stage(
      chunk({
        index: 0,
        firstSeq: 0,
        afterKey: undefined,
        last: true,
        output: { format: 'csv', fileBaseName: 'x', compress: false } as OutputSpec,
      }),
    );
    expect(steps).toEqual(['put', 'event', 'save 77 done=true']);
  });
});

import { jobIdOfRecordsKey, recordsKey } from './key';

describe('recordsKey', () => {
  const jobId = '0b7c6f4e-8a31-4c1e-9d55-3f2a1b0c9e77';

  it('keys an unchunked export by the job alone', () => {
    expect(recordsKey(jobId, 0, undefined)).toBe(jobId);
    expect(recordsKey(jobId, 123_456, undefined)).toBe(jobId);
  });

  it('keys a chunked export by job and the chunk of its first record', () => {
    expect(recordsKey(jobId, 0, 1_000)).toBe(`${jobId}:0`);
    expect(recordsKey(jobId, 999, 1_000)).toBe(`${jobId}:0`);
    expect(recordsKey(jobId, 1_000, 1_000)).toBe(`${jobId}:1`);
    expect(recordsKey(jobId, 25_500, 1_000)).toBe(`${jobId}:25`);
  });

  it('gives the job back from either form', () => {
    expect(jobIdOfRecordsKey(recordsKey(jobId, 5_000, 1_000))).toBe(jobId);
    expect(jobIdOfRecordsKey(jobId)).toBe(jobId);
  });
});

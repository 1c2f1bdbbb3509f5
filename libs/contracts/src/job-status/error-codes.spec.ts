import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePayload, InvalidPayloadError } from '../topics/codec';
import { Topic } from '../topics/topic';
import { JOB_ERROR_CODES } from './error-codes';

const failed = (code: string) =>
  Buffer.from(
    JSON.stringify({
      type: 'job.failed',
      jobId: '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e',
      accountId: 'acc',
      at: new Date(0).toISOString(),
      service: 'query',
      error: { code, message: 'why' },
    }),
  );

describe('job error codes', () => {
  it('are read in job.failed events, and nothing else is', () => {
    for (const code of JOB_ERROR_CODES) expect(decodePayload(Topic.JobStatus, failed(code)).error?.code).toBe(code);
    expect(() => decodePayload(Topic.JobStatus, failed('SOMETHING_ELSE'))).toThrow(InvalidPayloadError);
  });

  it('are each explained to users in the README', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
    expect(JOB_ERROR_CODES.filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });
});

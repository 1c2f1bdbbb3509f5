import { accountIdOf, decodePayload, encodePayload, InvalidPayloadError } from './codec';
import { Topic } from './topic';

const jobId = '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e';
const status = { type: 'query.started', jobId, accountId: 'acc', at: new Date(0).toISOString(), service: 'query', totalItems: 3 };

describe('payload codec', () => {
  it('round-trips a valid payload', () => {
    const sut = decodePayload(Topic.JobStatus, encodePayload(Topic.JobStatus, status as never));
    expect(sut).toMatchObject(status);
  });

  it('refuses to produce an off-contract payload', () => {
    expect(() => encodePayload(Topic.JobStatus, { ...status, totalItems: -1 } as never)).toThrow(InvalidPayloadError);
  });

  it('names every problem of a consumed payload', () => {
    const raw = Buffer.from(JSON.stringify({ ...status, jobId: 'nope', type: 'query.started', totalItems: 'x' }));
    try {
      decodePayload(Topic.JobStatus, raw);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidPayloadError);
      expect((error as InvalidPayloadError).problems.join('\n')).toMatch(/jobId/);
      expect((error as InvalidPayloadError).problems.join('\n')).toMatch(/totalItems/);
    }
  });

  it('rejects non-JSON and non-object payloads', () => {
    expect(() => decodePayload(Topic.Records, Buffer.from('{oops'))).toThrow(/not valid JSON/);
    expect(() => decodePayload(Topic.Records, Buffer.from('[1]'))).toThrow(/not a JSON object/);
    expect(() => decodePayload(Topic.Records, null)).toThrow(/empty message/);
  });

  it('validates nested specs', () => {
    const raw = {
      jobId, accountId: 'a', batchSeq: 0, firstSeq: 0, records: [], final: true,
      output: { format: 'csv', showHeader: true, showAllProperties: false, compress: false, fileBaseName: '../etc' },
      delivery: { kind: 'internal' },
    };
    expect(() => decodePayload(Topic.Records, Buffer.from(JSON.stringify(raw)))).toThrow(/fileBaseName/);
  });

  it('reads the tenant of an off-contract payload when it names one, and nothing else', () => {
    expect(accountIdOf(Buffer.from(JSON.stringify({ accountId: 'acc', batchSeq: 'x' })))).toBe('acc');
    expect(accountIdOf(Buffer.from('{oops'))).toBeUndefined();
    expect(accountIdOf(Buffer.from('null'))).toBeUndefined();
    expect(accountIdOf(Buffer.from(JSON.stringify({ accountId: 7 })))).toBeUndefined();
    expect(accountIdOf(Buffer.from(JSON.stringify({ accountId: 'x'.repeat(500) })))).toBeUndefined();
    expect(accountIdOf(null)).toBeUndefined();
  });

  it('accepts query.started without a count (the job is claimed, not yet counted)', () => {
    const { totalItems: _count, ...claimed } = status;
    expect(() => encodePayload(Topic.JobStatus, claimed as never)).not.toThrow();
  });
});
